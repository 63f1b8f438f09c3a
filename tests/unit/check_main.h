/*
 * Every unit-test file is its own executable: it defines one suite function
 * and ends with CHECK_MAIN(that_function).  Keeping files independent lets a
 * module's tests be built and run alone.
 */
#ifndef IOTCERT_CHECK_MAIN_H
#define IOTCERT_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

#define CHECK_MAIN(suite_fn)                                              \
	int main(void)                                                    \
	{                                                                 \
		SRunner *sr = srunner_create(suite_fn());                \
		srunner_run_all(sr, CK_NORMAL);                           \
		int failed = srunner_ntests_failed(sr);                   \
		srunner_free(sr);                                         \
		return failed ? EXIT_FAILURE : EXIT_SUCCESS;              \
	}

#endif
