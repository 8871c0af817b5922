/*
 * CPU sets: the kernel's cpulist grammar (lib/bitmap.c bitmap_parselist()), hex masks
 * (bitmap_parse(), "%*pb"), canonical output, set operations, round trips and random input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpuset.h"
#include "helpers.h"
#include "macro.h"

/* A small deterministic generator: the tests never depend on time or on this machine. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static unsigned rng_below(uint64_t *s, unsigned n)
{
	return (unsigned)(rng_next(s) % n);
}

struct list_vec {
	const char *in;
	unsigned nbits;
	int err;
	const char *out; /* canonical cpulist when err == 0 */
};

static const struct list_vec list_vecs[] = {
	/* plain lists, ranges, canonical output */
	{"", 32, 0, ""},
	{"0", 32, 0, "0"},
	{"1,2,3", 32, 0, "1-3"},
	{"0-3", 32, 0, "0-3"},
	{"1-1", 32, 0, "1"},
	{"00001", 32, 0, "1"},
	{"1,3-5,2", 32, 0, "1-5"},
	{"0-2,1-3", 32, 0, "0-3"},
	{"0,2,4-6,9", 32, 0, "0,2,4-6,9"},
	{"0-31", 32, 0, "0-31"},
	/* separators: commas and the kernel's white space, empty regions */
	{"  1 , 3\t", 32, 0, "1,3"},
	{",,1,,,2,,", 32, 0, "1-2"},
	{"1 2 3", 32, 0, "1-3"},
	{"1\r2\v3\f4", 32, 0, "1-4"},
	{"1\xa0" "2", 32, 0, "1-2"},
	{",", 32, 0, ""},
	{" \t ", 32, 0, ""},
	/* a newline right after a region ends the list; elsewhere it is white space */
	{"1-3,5\n", 32, 0, "1-3,5"},
	{"1\n2", 32, 0, "1"},
	{"1\ngarbage", 32, 0, "1"},
	{"1-2\n:", 32, 0, "1-2"},
	{"all\nx", 8, 0, "0-7"},
	{"\n7", 32, 0, "7"},
	{"1,\n2", 32, 0, "1-2"},
	{"1 \n2", 32, 0, "1-2"},
	{"0-3:1/2\n5", 32, 0, "0,2,5"},
	/* N and all */
	{"N", 32, 0, "31"},
	{"16-N", 32, 0, "16-31"},
	{"N-N", 4, 0, "3"},
	{"N", 1, 0, "0"},
	{"all", 8, 0, "0-7"},
	{"ALL", 8, 0, "0-7"},
	{"All,", 8, 0, "0-7"},
	{"all:1/2", 8, 0, "0,2,4,6"},
	{"0-N:1/2", 6, 0, "0,2,4"},
	{"N", 0, -EINVAL, NULL},
	{"all", 0, -EINVAL, NULL},
	{"0-N", 0, -EINVAL, NULL},
	{"allx", 8, -EINVAL, NULL},
	{"al", 8, -EINVAL, NULL},
	{"n", 8, -EINVAL, NULL},
	{"1N", 8, -EINVAL, NULL},
	/* groups a-b:used/group */
	{"0-1023:2/256", 1024, 0, "0-1,256-257,512-513,768-769"},
	{"0-3:1/2", 32, 0, "0,2"},
	{"0-15:4/8", 32, 0, "0-3,8-11"},
	{"0-9:3/4", 32, 0, "0-2,4-6,8-9"},
	{"5-5:1/1", 32, 0, "5"},
	{"0-3:0/2", 32, 0, ""},
	{"0-3:2/2", 32, 0, "0-3"},
	{"0-3:3/2", 32, -EINVAL, NULL},
	{"0-3:1/0", 32, -EINVAL, NULL},
	{"0-3:1", 32, -EINVAL, NULL},
	{"0-3:", 32, -EINVAL, NULL},
	{"0-3:/2", 32, -EINVAL, NULL},
	{"1:1/1", 32, -EINVAL, NULL},
	/* kernel quirk: nothing is checked after the group size, a region may follow directly */
	{"0-3:1/2N", 8, 0, "0,2,7"},
	{"0-3:1/2x", 8, -EINVAL, NULL},
	{"0-3:1/2-5", 8, -EINVAL, NULL},
	{"0-3:1/2,5", 8, 0, "0,2,5"},
	/* syntax errors */
	{"3-0", 32, -EINVAL, NULL},
	{"1-", 32, -EINVAL, NULL},
	{"-1", 32, -EINVAL, NULL},
	{"1--2", 32, -EINVAL, NULL},
	{"+1", 32, -EINVAL, NULL},
	{"a", 32, -EINVAL, NULL},
	{"1a", 32, -EINVAL, NULL},
	{"0x1", 32, -EINVAL, NULL},
	{"1;2", 32, -EINVAL, NULL},
	{"1.5", 32, -EINVAL, NULL},
	{"(null)", 32, -EINVAL, NULL},
	/* range and overflow */
	{"32", 32, -ERANGE, NULL},
	{"0-32", 32, -ERANGE, NULL},
	{"0-31,32", 32, -ERANGE, NULL},
	{"1", 1, -ERANGE, NULL},
	{"65535", 0, 0, "65535"},
	{"65536", 0, -ERANGE, NULL},
	{"4294967294", 0, -ERANGE, NULL},
	{"4294967295", 0, -EINVAL, NULL}, /* as in the kernel, end + 1 wraps to a group size of 0 */
	{"4294967296", 0, -EOVERFLOW, NULL},
	{"0-4294967296", 64, -EOVERFLOW, NULL},
	{"99999999999999999999999999", 0, -EOVERFLOW, NULL},
	{"0-3:4294967296/1", 64, -EOVERFLOW, NULL},
	/* errors anywhere reject the whole list */
	{"0-3,x", 32, -EINVAL, NULL},
	{"0-3,40", 32, -ERANGE, NULL},
};

static void test_parse_list_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(list_vecs); i++) {
		const struct list_vec *v = &list_vecs[i];
		struct rthc_cpuset s = RTHC_CPUSET_INIT;
		char *out = NULL;
		int r;

		/* start non-empty: parse must clear the set */
		assert_int_equal(rthc_cpuset_set(&s, 3), 0);
		r = rthc_cpuset_parse_list(&s, v->in, v->nbits);
		if (r != v->err)
			fail_msg("parse_list(\"%s\", %u) = %d, expected %d", v->in, v->nbits, r,
				 v->err);
		if (v->err == 0) {
			assert_int_equal(rthc_cpuset_format_list(&s, &out), 0);
			if (!streq(out, v->out))
				fail_msg("parse_list(\"%s\", %u) = \"%s\", expected \"%s\"", v->in,
					 v->nbits, out, v->out);
		} else {
			assert_true(rthc_cpuset_empty(&s));
		}
		free(out);
		rthc_cpuset_done(&s);
	}
}

/* The example of kernel-parameters.rst: isolcpus=1,2,10-20,100-2000:2/25. */
static void test_parse_list_doc_example(void **state)
{
	struct rthc_cpuset s = RTHC_CPUSET_INIT;

	(void)state;
	assert_int_equal(rthc_cpuset_parse_list(&s, "1,2,10-20,100-2000:2/25", 2048), 0);
	assert_true(rthc_cpuset_test(&s, 1));
	assert_true(rthc_cpuset_test(&s, 2));
	assert_false(rthc_cpuset_test(&s, 3));
	assert_true(rthc_cpuset_test(&s, 10));
	assert_true(rthc_cpuset_test(&s, 20));
	assert_false(rthc_cpuset_test(&s, 21));
	assert_true(rthc_cpuset_test(&s, 100));
	assert_true(rthc_cpuset_test(&s, 101));
	assert_false(rthc_cpuset_test(&s, 102));
	assert_true(rthc_cpuset_test(&s, 125));
	assert_true(rthc_cpuset_test(&s, 126));
	assert_true(rthc_cpuset_test(&s, 1975));
	assert_true(rthc_cpuset_test(&s, 2000)); /* the last group is cut at the range end */
	assert_false(rthc_cpuset_test(&s, 2001));
	/* 2 + 11 + 76 full groups of 2 + one CPU */
	assert_int_equal(rthc_cpuset_count(&s), 2 + 11 + 76 * 2 + 1);
	/* "16-N" on a 32-CPU system is 16-31; on a 4-CPU system it fails */
	assert_int_equal(rthc_cpuset_parse_list(&s, "16-N", 32), 0);
	assert_int_equal(rthc_cpuset_count(&s), 16);
	assert_int_equal(rthc_cpuset_parse_list(&s, "16-N", 4), -EINVAL);
	assert_int_equal(rthc_cpuset_parse_list(&s, NULL, 4), -EINVAL);
	rthc_cpuset_done(&s);
}

struct mask_vec {
	const char *in;
	unsigned nbits;
	int err;
	const char *out;
};

static const struct mask_vec mask_vecs[] = {
	{"0", 0, 0, ""},
	{"1", 0, 0, "0"},
	{"f", 0, 0, "0-3"},
	{"F", 0, 0, "0-3"},
	{"aA", 0, 0, "1,3,5,7"},
	{"80000000", 0, 0, "31"},
	{"00000001,00000000", 0, 0, "32"},
	{"ff,ffffffff", 0, 0, "0-39"},
	{"ffffffff,ffffffff,ffffffff,ffffffff", 0, 0, "0-127"},
	{"1,0,0,0,0,0,0,0", 0, 0, "224"},
	{"0000000f\n", 0, 0, "0-3"},
	{" f \n", 0, 0, "0-3"},
	{"f\ngarbage", 0, 0, "0-3"},
	/* empty groups and separators are allowed, as bitmap_parse() documents */
	{"", 0, 0, ""},
	{",", 0, 0, ""},
	{"1,,5", 0, 0, "0,2,32"},
	{",44", 0, 0, "2,6"},
	{"1 2", 0, 0, "1,32"},
	/* bad characters and too long groups */
	{"g", 0, -EINVAL, NULL},
	{"1g", 0, -EINVAL, NULL},
	{"0x1", 0, -EINVAL, NULL},
	{"-1", 0, -EINVAL, NULL},
	{"123456789", 0, -EOVERFLOW, NULL},
	{"1,123456789", 0, -EOVERFLOW, NULL},
	/* kernel quirk: a ninth character that is not a hex digit is skipped */
	{"x12345678", 0, 0, "3-6,9-10,12,14,18,20-21,25,28"},
	/* width limits */
	{"ff", 8, 0, "0-7"},
	{"1ff", 8, -EOVERFLOW, NULL},
	{"0,ff", 8, -EOVERFLOW, NULL},
	{"ff,ffffffff", 40, 0, "0-39"},
	{"1ff,ffffffff", 40, -EOVERFLOW, NULL},
	{"0,00000000,ffffffff", 64, -EOVERFLOW, NULL},
};

static void test_parse_mask_vectors(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(mask_vecs); i++) {
		const struct mask_vec *v = &mask_vecs[i];
		struct rthc_cpuset s = RTHC_CPUSET_INIT;
		char *out = NULL;
		int r;

		assert_int_equal(rthc_cpuset_set(&s, 5), 0);
		r = rthc_cpuset_parse_mask_n(&s, v->in, v->nbits);
		if (r != v->err)
			fail_msg("parse_mask(\"%s\", %u) = %d, expected %d", v->in, v->nbits, r,
				 v->err);
		if (v->err == 0) {
			assert_int_equal(rthc_cpuset_format_list(&s, &out), 0);
			if (!streq(out, v->out))
				fail_msg("parse_mask(\"%s\") = \"%s\", expected \"%s\"", v->in, out,
					 v->out);
		} else {
			assert_true(rthc_cpuset_empty(&s));
		}
		if (v->nbits == 0) /* the two entry points agree */
			assert_int_equal(rthc_cpuset_parse_mask(&s, v->in), v->err);
		free(out);
		rthc_cpuset_done(&s);
	}
	{
		struct rthc_cpuset s = RTHC_CPUSET_INIT;

		assert_int_equal(rthc_cpuset_parse_mask(&s, NULL), -EINVAL);
	}
}

struct fmt_vec {
	const char *list;
	unsigned nbits;
	const char *mask;
};

/* "%*pb": 32-bit groups, the first only as wide as nbits needs. */
static const struct fmt_vec fmt_vecs[] = {
	{"0-3", 4, "f"},
	{"0-3", 8, "0f"},
	{"0-3", 32, "0000000f"},
	{"0-3", 33, "0,0000000f"},
	{"0-3", 64, "00000000,0000000f"},
	{"0-3", 0, "f"},
	{"", 0, "0"},
	{"", 8, "00"},
	{"32", 0, "1,00000000"},
	{"0-39", 40, "ff,ffffffff"},
	{"31", 32, "80000000"},
	{"0,63", 64, "80000000,00000001"},
	{"4-7", 0, "f0"},
	{"8", 12, "100"},
	{"100", 8, "10,00000000,00000000,00000000"}, /* a set wider than nbits widens it */
};

static void test_format_mask(void **state)
{
	(void)state;
	for (size_t i = 0; i < ARRAY_SIZE(fmt_vecs); i++) {
		struct rthc_cpuset s = RTHC_CPUSET_INIT;
		char *out = NULL;

		assert_int_equal(rthc_cpuset_parse_list(&s, fmt_vecs[i].list, 0), 0);
		assert_int_equal(rthc_cpuset_format_mask(&s, fmt_vecs[i].nbits, &out), 0);
		if (!streq(out, fmt_vecs[i].mask))
			fail_msg("format_mask(%s, %u) = \"%s\", expected \"%s\"", fmt_vecs[i].list,
				 fmt_vecs[i].nbits, out, fmt_vecs[i].mask);
		free(out);
		rthc_cpuset_done(&s);
	}
}

static void test_format_list(void **state)
{
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	char *str;

	(void)state;
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "");
	free(str);
	assert_int_equal(rthc_cpuset_set(&s, 0), 0);
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "0");
	free(str);
	assert_int_equal(rthc_cpuset_set(&s, 1), 0);
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "0-1"); /* a run of two is a range */
	free(str);
	assert_int_equal(rthc_cpuset_set_range(&s, 3, 5), 0);
	assert_int_equal(rthc_cpuset_set(&s, 7), 0);
	assert_int_equal(rthc_cpuset_set_range(&s, 62, 130), 0);
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "0-1,3-5,7,62-130");
	free(str);
	rthc_cpuset_clear(&s, 64);
	rthc_cpuset_clear(&s, 100000); /* beyond the words: no effect */
	str = rthc_cpuset_str(&s);
	assert_string_equal(str, "0-1,3-5,7,62-63,65-130");
	free(str);
	rthc_cpuset_done(&s);
}

static void test_set_operations(void **state)
{
	struct rthc_cpuset a = RTHC_CPUSET_INIT, b = RTHC_CPUSET_INIT, c = RTHC_CPUSET_INIT;
	char *str;
	int cpu, n = 0;

	(void)state;
	assert_true(rthc_cpuset_empty(&a));
	assert_int_equal(rthc_cpuset_first(&a), -1);
	assert_int_equal(rthc_cpuset_last(&a), -1);
	assert_int_equal(rthc_cpuset_parse_list(&a, "0-3,200", 0), 0);
	assert_int_equal(rthc_cpuset_parse_list(&b, "2-5", 0), 0); /* fewer words than a */
	assert_int_equal(rthc_cpuset_count(&a), 5);
	assert_int_equal(rthc_cpuset_first(&a), 0);
	assert_int_equal(rthc_cpuset_last(&a), 200);
	assert_int_equal(rthc_cpuset_next(&a, 3), 200);
	assert_int_equal(rthc_cpuset_next(&a, 200), -1);
	assert_int_equal(rthc_cpuset_next_from(&a, 4), 200);
	assert_int_equal(rthc_cpuset_next_from(&a, 5000), -1);
	rthc_cpuset_foreach(cpu, &a)
		n++;
	assert_int_equal(n, 5);
	assert_true(rthc_cpuset_intersects(&a, &b));
	assert_false(rthc_cpuset_subset(&a, &b));
	assert_false(rthc_cpuset_equal(&a, &b));

	assert_int_equal(rthc_cpuset_copy(&c, &a), 0);
	assert_true(rthc_cpuset_equal(&c, &a));
	assert_int_equal(rthc_cpuset_copy(&c, &c), 0);
	rthc_cpuset_and(&c, &b);
	str = rthc_cpuset_str(&c);
	assert_string_equal(str, "2-3");
	free(str);
	assert_true(rthc_cpuset_subset(&c, &a));
	assert_true(rthc_cpuset_subset(&c, &b));

	assert_int_equal(rthc_cpuset_copy(&c, &a), 0);
	rthc_cpuset_andnot(&c, &b);
	str = rthc_cpuset_str(&c);
	assert_string_equal(str, "0-1,200");
	free(str);
	assert_false(rthc_cpuset_intersects(&c, &b));

	assert_int_equal(rthc_cpuset_copy(&c, &b), 0); /* a shorter copy over a longer set */
	assert_int_equal(rthc_cpuset_or(&c, &a), 0);
	str = rthc_cpuset_str(&c);
	assert_string_equal(str, "0-5,200");
	free(str);

	/* equality ignores trailing zero words */
	assert_int_equal(rthc_cpuset_copy(&c, &b), 0);
	assert_int_equal(rthc_cpuset_set(&c, 1000), 0);
	rthc_cpuset_clear(&c, 1000);
	assert_true(rthc_cpuset_equal(&c, &b));
	assert_true(rthc_cpuset_equal(&b, &c));
	rthc_cpuset_zero(&c);
	assert_true(rthc_cpuset_empty(&c));
	assert_true(rthc_cpuset_subset(&c, &a));

	assert_int_equal(rthc_cpuset_set_range(&c, 5, 4), 0); /* an empty range */
	assert_true(rthc_cpuset_empty(&c));
	assert_int_equal(rthc_cpuset_set_range(&c, 0, 4095), 0);
	assert_int_equal(rthc_cpuset_count(&c), 4096);
	assert_int_equal(rthc_cpuset_set_range(&c, 4097, 4097 + 190), 0);
	assert_int_equal(rthc_cpuset_count(&c), 4096 + 191);
	rthc_cpuset_done(&a);
	rthc_cpuset_done(&b);
	rthc_cpuset_done(&c);
}

static void random_set(uint64_t *seed, struct rthc_cpuset *s, unsigned nbits)
{
	unsigned density = rng_below(seed, 5);

	rthc_cpuset_zero(s);
	for (unsigned c = 0; c < nbits; c++) {
		bool on;

		switch (density) {
		case 0: /* sparse */
			on = rng_below(seed, 16) == 0;
			break;
		case 1: /* dense */
			on = rng_below(seed, 16) != 0;
			break;
		case 2: /* runs */
			on = (c / (1 + rng_below(seed, 8))) % 2;
			break;
		case 3:
			on = false;
			break;
		default:
			on = rng_below(seed, 2);
		}
		if (on)
			assert_int_equal(rthc_cpuset_set(s, c), 0);
	}
}

/* parse(format(x)) == x, for lists and masks, for many random sets. */
static void test_round_trip(void **state)
{
	struct rthc_cpuset s = RTHC_CPUSET_INIT, t = RTHC_CPUSET_INIT;
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		unsigned nbits = 1 + rng_below(&seed, i < 1900 ? 300 : 4096);
		char *list = NULL, *mask = NULL;

		random_set(&seed, &s, nbits);
		assert_int_equal(rthc_cpuset_format_list(&s, &list), 0);
		assert_int_equal(rthc_cpuset_parse_list(&t, list, nbits), 0);
		if (!rthc_cpuset_equal(&s, &t))
			fail_msg("list round trip failed for \"%s\"", list);
		assert_int_equal(rthc_cpuset_format_mask(&s, nbits, &mask), 0);
		assert_int_equal(rthc_cpuset_parse_mask_n(&t, mask, nbits), 0);
		if (!rthc_cpuset_equal(&s, &t))
			fail_msg("mask round trip failed for \"%s\" (%s)", mask, list);
		/* the mask of nbits bits has exactly ceil(nbits/32) groups */
		{
			unsigned commas = 0;

			for (const char *p = mask; *p; p++)
				commas += *p == ',';
			assert_int_equal(commas + 1, (nbits + 31) / 32);
		}
		free(list);
		free(mask);
	}
	rthc_cpuset_done(&s);
	rthc_cpuset_done(&t);
}

static bool list_err_ok(int r)
{
	return r == 0 || r == -EINVAL || r == -ERANGE || r == -EOVERFLOW;
}

static void random_string(uint64_t *seed, const char *alphabet, char *buf, size_t max)
{
	size_t n = rng_below(seed, (unsigned)max), al = strlen(alphabet);

	for (size_t i = 0; i < n; i++)
		buf[i] = alphabet[rng_below(seed, (unsigned)al)];
	buf[n] = '\0';
}

/* A successful parse names only CPUs below nbits and survives a round trip. */
static void check_list_result(const char *in, int r, const struct rthc_cpuset *s, unsigned nbits)
{
	struct rthc_cpuset t = RTHC_CPUSET_INIT;
	char *out = NULL;

	if (!list_err_ok(r))
		fail_msg("parse_list(\"%s\") returned %d", in, r);
	if (r < 0) {
		assert_true(rthc_cpuset_empty(s));
		return;
	}
	assert_true(rthc_cpuset_last(s) < (int)(nbits ? nbits : RTHC_CPUSET_MAX_CPUS));
	assert_int_equal(rthc_cpuset_format_list(s, &out), 0);
	assert_int_equal(rthc_cpuset_parse_list(&t, out, nbits), 0);
	assert_true(rthc_cpuset_equal(s, &t));
	free(out);
	rthc_cpuset_done(&t);
}

/* Thousands of random and truncated strings: no crash, no leak, only documented errors. */
static void test_fuzz_list_and_mask(void **state)
{
	static const char *const seeds[] = {
		"0-1023:2/256", "1,2,10-20,100-2000:2/25", "all:1/2,N", "0-N:3/4 , 7\n9",
		"16-N", "4294967295-4294967296", "ff,ffffffff", "x12345678,0,,1",
	};
	struct rthc_cpuset s = RTHC_CPUSET_INIT;
	uint64_t seed = 12345;
	char buf[64];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		unsigned nbits = rng_below(&seed, 3) == 0 ? 0 : 1 + rng_below(&seed, 2048);
		int r;

		random_string(&seed, i % 2 ? "0123456789-,:/N \n" : "0123456789-,:/Nalx\t\xa0 \nfF",
			      buf, sizeof(buf));
		r = rthc_cpuset_parse_list(&s, buf, nbits);
		check_list_result(buf, r, &s, nbits);
		r = rthc_cpuset_parse_mask_n(&s, buf, nbits);
		assert_true(r == 0 || r == -EINVAL || r == -EOVERFLOW);
		if (r == 0 && nbits)
			assert_true(rthc_cpuset_last(&s) < (int)nbits);
	}
	/* every prefix of long valid strings */
	for (size_t k = 0; k < ARRAY_SIZE(seeds); k++) {
		size_t len = strlen(seeds[k]);

		for (size_t n = 0; n <= len; n++) {
			char *pre = strndup(seeds[k], n);
			int r;

			assert_non_null(pre);
			r = rthc_cpuset_parse_list(&s, pre, 4096);
			check_list_result(pre, r, &s, 4096);
			r = rthc_cpuset_parse_mask(&s, pre);
			assert_true(r == 0 || r == -EINVAL || r == -EOVERFLOW);
			free(pre);
		}
	}
	rthc_cpuset_done(&s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_list_vectors),
		cmocka_unit_test(test_parse_list_doc_example),
		cmocka_unit_test(test_parse_mask_vectors),
		cmocka_unit_test(test_format_mask),
		cmocka_unit_test(test_format_list),
		cmocka_unit_test(test_set_operations),
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_fuzz_list_and_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
