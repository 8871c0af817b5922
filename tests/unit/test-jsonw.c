/* The JSON writer: escaping, invalid UTF-8, nesting, numbers in the C locale. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "jsonw.h"

/* Run fn on a memory stream and return what it wrote (malloc'd). */
static char *capture(void (*fn)(struct rthc_jsonw *w, const void *arg), const void *arg, bool pretty)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct rthc_jsonw *w;

	assert_non_null(f);
	assert_int_equal(rthc_jsonw_new(f, pretty, &w), 0);
	fn(w, arg);
	rthc_jsonw_free(w);
	fclose(f);
	return buf;
}

static void one_string(struct rthc_jsonw *w, const void *arg)
{
	rthc_jsonw_string(w, arg);
}

static void test_escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} v[] = {
		{"plain", "\"plain\""},
		{"quote \" and \\ backslash", "\"quote \\\" and \\\\ backslash\""},
		{"tab\tnl\ncr\r", "\"tab\\tnl\\ncr\\r\""},
		{"\x01\x1f\x7f", "\"\\u0001\\u001f\\u007f\""},
		{"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80\""},
		{"bad \xff byte", "\"bad \\ufffd byte\""},
		{"overlong \xc0\xaf", "\"overlong \\ufffd\\ufffd\""},
		{"surrogate \xed\xa0\x80", "\"surrogate \\ufffd\\ufffd\\ufffd\""},
		{"truncated \xe2\x82", "\"truncated \\ufffd\\ufffd\""},
		{"", "\"\""},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *got = capture(one_string, v[i].in, false);

		assert_string_equal(got, v[i].out);
		free(got);
	}
}

static void nested(struct rthc_jsonw *w, const void *arg)
{
	(void)arg;
	rthc_jsonw_start_object(w);
	rthc_jsonw_kv_string(w, "s", "x");
	rthc_jsonw_kv_null(w, "n");
	rthc_jsonw_kv_string(w, "null_string", NULL);
	rthc_jsonw_kv_int(w, "i", -42);
	rthc_jsonw_kv_uint(w, "u", 18446744073709551615ULL);
	rthc_jsonw_kv_bool(w, "t", true);
	rthc_jsonw_kv_double(w, "d", 0.5);
	rthc_jsonw_kv_double(w, "nan", 0.0 / 0.0);
	rthc_jsonw_key(w, "a");
	rthc_jsonw_start_array(w);
	rthc_jsonw_int(w, 1);
	rthc_jsonw_start_object(w);
	rthc_jsonw_end_object(w);
	rthc_jsonw_start_array(w);
	rthc_jsonw_end_array(w);
	rthc_jsonw_end_array(w);
	rthc_jsonw_key(w, "k\"ey");
	rthc_jsonw_bool(w, false);
	rthc_jsonw_end_object(w);
}

static void test_nesting_and_numbers(void **state)
{
	char *got = capture(nested, NULL, false);

	(void)state;
	assert_string_equal(got, "{\"s\":\"x\",\"n\":null,\"null_string\":null,\"i\":-42,"
				 "\"u\":18446744073709551615,\"t\":true,\"d\":0.5,\"nan\":null,"
				 "\"a\":[1,{},[]],\"k\\\"ey\":false}");
	free(got);
	got = capture(nested, NULL, true);
	assert_non_null(strstr(got, "{\n  \"s\": \"x\",\n  \"n\": null,"));
	assert_non_null(strstr(got, "\"a\": [\n    1,\n    {},\n    []\n  ],"));
	assert_int_equal(got[strlen(got) - 1], '\n');
	free(got);
}

static void test_utf8_decode(void **state)
{
	uint32_t cp = 0;

	(void)state;
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"A", &cp), 1);
	assert_int_equal(cp, 'A');
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"\xc3\xa9", &cp), 2);
	assert_int_equal(cp, 0xe9);
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"\xf4\x8f\xbf\xbf", &cp), 4);
	assert_int_equal(cp, 0x10ffff);
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"\xf4\x90\x80\x80", &cp), 0);
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"\xe0\x80\x80", &cp), 0);
	assert_int_equal(rthc_utf8_decode((const unsigned char *)"\x80", &cp), 0);
}

/* Random bytes: never a crash, and the output never holds a raw control character. */
static void test_fuzz(void **state)
{
	unsigned seed = 12345;

	(void)state;
	for (int round = 0; round < 2000; round++) {
		char in[64];
		size_t n = (size_t)(rand_r(&seed) % (sizeof(in) - 1));
		char *got;

		for (size_t i = 0; i < n; i++)
			in[i] = (char)(rand_r(&seed) % 255 + 1);
		in[n] = '\0';
		got = capture(one_string, in, false);
		for (const unsigned char *p = (const unsigned char *)got; *p; p++)
			assert_true(*p >= 0x20);
		free(got);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escapes),
		cmocka_unit_test(test_nesting_and_numbers),
		cmocka_unit_test(test_utf8_decode),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
