/* Renderer table (see render.h). */
#include <errno.h>
#include <string.h>

#include "macro.h"
#include "render.h"

static const struct rthc_renderer renderers[] = {
	{RTHC_FORMAT_TEXT, rthc_render_text},
	{RTHC_FORMAT_JSON, rthc_render_json},
	{RTHC_FORMAT_JUNIT, rthc_render_junit},
	{RTHC_FORMAT_PROMETHEUS, rthc_render_prometheus},
};

static const char *const format_names[_RTHC_FORMAT_MAX] = {
	[RTHC_FORMAT_TEXT] = "text",
	[RTHC_FORMAT_JSON] = "json",
	[RTHC_FORMAT_JUNIT] = "junit",
	[RTHC_FORMAT_PROMETHEUS] = "prometheus",
};

const char *rthc_format_to_string(enum rthc_format f)
{
	return (unsigned)f < _RTHC_FORMAT_MAX ? format_names[f] : NULL;
}

enum rthc_format rthc_format_from_string(const char *s)
{
	for (unsigned i = 0; i < _RTHC_FORMAT_MAX; i++)
		if (streq(s, format_names[i]))
			return (enum rthc_format)i;
	return _RTHC_FORMAT_INVALID;
}

int rthc_render(const struct rthc_report *rep, enum rthc_format format, FILE *f, unsigned flags)
{
	for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
		if (renderers[i].format == format && renderers[i].render) {
			int r = renderers[i].render(rep, f, flags);

			if (r < 0)
				return r;
			if (fflush(f) != 0 || ferror(f))
				return -EIO;
			return 0;
		}
	return -EOPNOTSUPP;
}

bool rthc_render_supported(enum rthc_format format)
{
	for (size_t i = 0; i < ARRAY_SIZE(renderers); i++)
		if (renderers[i].format == format && renderers[i].render)
			return true;
	return false;
}
