dnl CC_CHECK_FLAGS_APPEND(VAR, FLAGS-VAR, FLAGS)
dnl Append to VAR every flag of FLAGS that the C compiler accepts.
AC_DEFUN([CC_CHECK_FLAGS_APPEND], [
	for flag in $3; do
		AS_VAR_PUSHDEF([cache], [cc_cv_flag_$flag])
		AC_CACHE_CHECK([whether $CC accepts $flag], [cache], [
			save_CFLAGS="$CFLAGS"
			CFLAGS="$CFLAGS -Werror $flag"
			AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])], [AS_VAR_SET([cache], [yes])], [AS_VAR_SET([cache], [no])])
			CFLAGS="$save_CFLAGS"
		])
		AS_VAR_IF([cache], [yes], [$1="$$1 $flag"])
		AS_VAR_POPDEF([cache])
	done
])
