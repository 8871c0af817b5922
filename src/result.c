/* Check results (see result.h). */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "result.h"
#include "strbuf.h"

static const char *const status_names[_RTHC_STATUS_MAX] = {
	[RTHC_STATUS_PASS] = "pass",
	[RTHC_STATUS_WARN] = "warn",
	[RTHC_STATUS_FAIL] = "fail",
	[RTHC_STATUS_PENDING_REBOOT] = "pending_reboot",
	[RTHC_STATUS_FIXED] = "fixed",
	[RTHC_STATUS_ERROR] = "error",
	[RTHC_STATUS_SKIPPED] = "skipped",
	[RTHC_STATUS_NOT_APPLICABLE] = "not_applicable",
	[RTHC_STATUS_INFO] = "info",
};

const char *rthc_status_to_string(enum rthc_status s)
{
	return (unsigned)s < _RTHC_STATUS_MAX ? status_names[s] : NULL;
}

enum rthc_status rthc_status_from_string(const char *s)
{
	for (unsigned i = 0; i < _RTHC_STATUS_MAX; i++)
		if (streq(s, status_names[i]))
			return (enum rthc_status)i;
	return _RTHC_STATUS_INVALID;
}

const char *rthc_action_type_to_string(enum rthc_action_type t)
{
	static const char *const names[_RTHC_ACTION_MAX] = {
		[RTHC_ACTION_SYSCTL] = "sysctl",     [RTHC_ACTION_SYSFS] = "sysfs",
		[RTHC_ACTION_KERNEL_ARG] = "kernel_arg", [RTHC_ACTION_IRQ_AFFINITY] = "irq_affinity",
		[RTHC_ACTION_MODPROBE] = "modprobe", [RTHC_ACTION_SERVICE] = "service",
		[RTHC_ACTION_FILE] = "file",         [RTHC_ACTION_MANUAL] = "manual",
	};
	return (unsigned)t < _RTHC_ACTION_MAX ? names[t] : "manual";
}

void rthc_result_init(struct rthc_result *r, const struct rthc_check *check)
{
	memset(r, 0, sizeof(*r));
	r->check = check;
	r->status = RTHC_STATUS_ERROR;
}

static void kv_free_value(struct rthc_kv *kv)
{
	if (kv->type == RTHC_VALUE_STR)
		free(kv->s);
	else if (kv->type == RTHC_VALUE_OBJECT)
		rthc_kvlist_free(kv->obj);
}

struct rthc_kvlist *rthc_kvlist_free(struct rthc_kvlist *l)
{
	if (!l)
		return NULL;
	for (size_t i = 0; i < l->n; i++) {
		free(l->v[i].key);
		kv_free_value(&l->v[i]);
	}
	free(l->v);
	free(l);
	return NULL;
}

void rthc_result_reset(struct rthc_result *r)
{
	const struct rthc_check *check = r->check;

	rthc_result_done(r);
	rthc_result_init(r, check);
}

void rthc_result_done(struct rthc_result *r)
{
	free(r->reason);
	rthc_kvlist_free(r->expected);
	rthc_kvlist_free(r->observed);
	for (size_t i = 0; i < r->nevidence; i++) {
		free(r->evidence[i].source);
		free(r->evidence[i].excerpt);
	}
	free(r->evidence);
	for (size_t i = 0; i < r->nitems; i++) {
		free(r->items[i].object);
		free(r->items[i].reason);
	}
	free(r->items);
	if (r->remediation) {
		free(r->remediation->summary);
		for (size_t i = 0; i < r->remediation->nactions; i++) {
			free(r->remediation->actions[i].target);
			free(r->remediation->actions[i].value);
		}
		free(r->remediation->actions);
		free(r->remediation);
	}
	memset(r, 0, sizeof(*r));
}

static char *vfmt(struct rthc_result *r, const char *fmt, va_list ap)
{
	char *s = NULL;

	if (vasprintf(&s, fmt, ap) < 0) {
		r->oom = true;
		return NULL;
	}
	return s;
}

void rthc_result_set(struct rthc_result *r, enum rthc_status s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->reason);
	r->reason = vfmt(r, fmt, ap);
	va_end(ap);
	r->status = s;
	r->status_set = true;
}

void rthc_result_errorf(struct rthc_result *r, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->reason);
	r->reason = vfmt(r, fmt, ap);
	va_end(ap);
	r->status = RTHC_STATUS_ERROR;
	r->status_set = true;
	r->err = err;
}

static const char *errmsg(int err)
{
	switch (err) {
	case -ENODATA:
		return "file is empty";
	case -EINVAL:
		return "unexpected content";
	case -ERANGE:
		return "value out of range";
	default:
		return strerror(-err);
	}
}

void rthc_result_error(struct rthc_result *r, int err, const char *path)
{
	rthc_result_errorf(r, err, "cannot read %s: %s", path, errmsg(err));
	rthc_evidence(r, path, "%s", errmsg(err));
}

static struct rthc_kv *kv_new(struct rthc_result *r, struct rthc_kvlist **list, const char *key)
{
	struct rthc_kvlist *l = *list;
	struct rthc_kv *v;

	if (!l) {
		l = calloc(1, sizeof(*l));
		if (!l) {
			r->oom = true;
			return NULL;
		}
		*list = l;
	}
	/* A key set twice keeps its first position and takes the new value. */
	for (size_t i = 0; i < l->n; i++)
		if (streq(l->v[i].key, key)) {
			kv_free_value(&l->v[i]);
			l->v[i].type = RTHC_VALUE_NULL;
			return &l->v[i];
		}
	v = realloc(l->v, (l->n + 1) * sizeof(*v));
	if (!v) {
		r->oom = true;
		return NULL;
	}
	l->v = v;
	v = &l->v[l->n];
	memset(v, 0, sizeof(*v));
	v->key = strdup(key);
	if (!v->key) {
		r->oom = true;
		return NULL;
	}
	l->n++;
	return v;
}

void rthc_kv_add_str(struct rthc_result *r, struct rthc_kvlist **list, const char *key, const char *value)
{
	struct rthc_kv *v = kv_new(r, list, key);

	if (!v)
		return;
	if (!value)
		return; /* null */
	v->s = strdup(value);
	if (!v->s) {
		r->oom = true;
		return;
	}
	v->type = RTHC_VALUE_STR;
}

void rthc_kv_add_int(struct rthc_result *r, struct rthc_kvlist **list, const char *key, int64_t value)
{
	struct rthc_kv *v = kv_new(r, list, key);

	if (v) {
		v->type = RTHC_VALUE_INT;
		v->i = value;
	}
}

void rthc_kv_add_bool(struct rthc_result *r, struct rthc_kvlist **list, const char *key, bool value)
{
	struct rthc_kv *v = kv_new(r, list, key);

	if (v) {
		v->type = RTHC_VALUE_BOOL;
		v->b = value;
	}
}

void rthc_kv_add_double(struct rthc_result *r, struct rthc_kvlist **list, const char *key, double value)
{
	struct rthc_kv *v = kv_new(r, list, key);

	if (v) {
		v->type = RTHC_VALUE_DOUBLE;
		v->d = value;
	}
}

void rthc_kv_add_null(struct rthc_result *r, struct rthc_kvlist **list, const char *key)
{
	(void)kv_new(r, list, key);
}

struct rthc_kvlist **rthc_kv_add_object(struct rthc_result *r, struct rthc_kvlist **list, const char *key)
{
	struct rthc_kv *v = kv_new(r, list, key);

	if (!v)
		return NULL;
	v->type = RTHC_VALUE_OBJECT;
	v->obj = NULL;
	return &v->obj;
}

static void kv_add_cpus(struct rthc_result *r, struct rthc_kvlist **list, const char *key,
			const struct rthc_cpuset *set)
{
	char *s = NULL;

	if (!set) {
		rthc_kv_add_null(r, list, key);
		return;
	}
	if (rthc_cpuset_format_list(set, &s) < 0) {
		r->oom = true;
		return;
	}
	rthc_kv_add_str(r, list, key, s);
	free(s);
}

void rthc_expect_str(struct rthc_result *r, const char *key, const char *value)
{
	rthc_kv_add_str(r, &r->expected, key, value);
}

void rthc_expect_int(struct rthc_result *r, const char *key, int64_t value)
{
	rthc_kv_add_int(r, &r->expected, key, value);
}

void rthc_expect_bool(struct rthc_result *r, const char *key, bool value)
{
	rthc_kv_add_bool(r, &r->expected, key, value);
}

void rthc_expect_cpus(struct rthc_result *r, const char *key, const struct rthc_cpuset *set)
{
	kv_add_cpus(r, &r->expected, key, set);
}

void rthc_expect_null(struct rthc_result *r, const char *key)
{
	rthc_kv_add_null(r, &r->expected, key);
}

void rthc_observe_str(struct rthc_result *r, const char *key, const char *value)
{
	rthc_kv_add_str(r, &r->observed, key, value);
}

void rthc_observe_int(struct rthc_result *r, const char *key, int64_t value)
{
	rthc_kv_add_int(r, &r->observed, key, value);
}

void rthc_observe_bool(struct rthc_result *r, const char *key, bool value)
{
	rthc_kv_add_bool(r, &r->observed, key, value);
}

void rthc_observe_double(struct rthc_result *r, const char *key, double value)
{
	rthc_kv_add_double(r, &r->observed, key, value);
}

void rthc_observe_cpus(struct rthc_result *r, const char *key, const struct rthc_cpuset *set)
{
	kv_add_cpus(r, &r->observed, key, set);
}

void rthc_observe_null(struct rthc_result *r, const char *key)
{
	rthc_kv_add_null(r, &r->observed, key);
}

void rthc_evidence(struct rthc_result *r, const char *source, const char *fmt, ...)
{
	struct rthc_evidence *e;
	va_list ap;

	e = realloc(r->evidence, (r->nevidence + 1) * sizeof(*e));
	if (!e) {
		r->oom = true;
		return;
	}
	r->evidence = e;
	e = &r->evidence[r->nevidence];
	e->source = strdup(source);
	va_start(ap, fmt);
	e->excerpt = vfmt(r, fmt, ap);
	va_end(ap);
	if (!e->source || !e->excerpt) {
		free(e->source);
		free(e->excerpt);
		r->oom = true;
		return;
	}
	r->nevidence++;
}

void rthc_item(struct rthc_result *r, const char *object, const char *fmt, ...)
{
	struct rthc_item *it;
	va_list ap;

	if (r->nitems >= RTHC_RESULT_MAX_ITEMS) {
		r->items_omitted++;
		return;
	}
	it = realloc(r->items, (r->nitems + 1) * sizeof(*it));
	if (!it) {
		r->oom = true;
		return;
	}
	r->items = it;
	it = &r->items[r->nitems];
	it->object = strdup(object);
	va_start(ap, fmt);
	it->reason = vfmt(r, fmt, ap);
	va_end(ap);
	if (!it->object || !it->reason) {
		free(it->object);
		free(it->reason);
		r->oom = true;
		return;
	}
	r->nitems++;
}

void rthc_remedy(struct rthc_result *r, bool automated, bool requires_reboot, const char *fmt, ...)
{
	va_list ap;

	if (!r->remediation) {
		r->remediation = calloc(1, sizeof(*r->remediation));
		if (!r->remediation) {
			r->oom = true;
			return;
		}
	}
	free(r->remediation->summary);
	va_start(ap, fmt);
	r->remediation->summary = vfmt(r, fmt, ap);
	va_end(ap);
	r->remediation->automated = automated;
	r->remediation->requires_reboot = requires_reboot;
}

void rthc_remedy_action(struct rthc_result *r, enum rthc_action_type type, const char *target,
			const char *value)
{
	struct rthc_remediation *rem = r->remediation;
	struct rthc_action *a;

	if (!rem) {
		rthc_remedy(r, false, false, "see the actions");
		rem = r->remediation;
		if (!rem)
			return;
	}
	a = realloc(rem->actions, (rem->nactions + 1) * sizeof(*a));
	if (!a) {
		r->oom = true;
		return;
	}
	rem->actions = a;
	a = &rem->actions[rem->nactions];
	a->type = type;
	a->target = strdup(target);
	a->value = value ? strdup(value) : NULL;
	if (!a->target || (value && !a->value)) {
		free(a->target);
		free(a->value);
		r->oom = true;
		return;
	}
	rem->nactions++;
}
