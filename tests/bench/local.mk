# tests/bench/: benchmarks (make bench). They print figures; they never fail
# on a time, because the machines are shared and noisy.
EXTRA_PROGRAMS += tests/bench/bench_model
tests_bench_bench_model_SOURCES = tests/bench/bench_model.c
tests_bench_bench_model_CFLAGS = $(AM_CFLAGS) $(JANSSON_CFLAGS) -O2
tests_bench_bench_model_LDADD = $(PATROL_CORE_LIBS)
CLEANFILES += tests/bench/bench_model$(EXEEXT)
# YAJL alone over the estate's lists (estate.sh): the parser's own cost.
EXTRA_PROGRAMS += tests/bench/bench_yajl
tests_bench_bench_yajl_SOURCES = tests/bench/bench_yajl.c
tests_bench_bench_yajl_CFLAGS = $(AM_CFLAGS) $(YAJL_CFLAGS) -O2
tests_bench_bench_yajl_LDADD = $(YAJL_LIBS)
CLEANFILES += tests/bench/bench_yajl$(EXEEXT)
EXTRA_DIST += tests/bench/run.sh tests/bench/ui_bench.py tests/bench/bulk.sh tests/bench/measure.py \
	tests/bench/estate.sh tests/bench/bench_time.h

bench: patrol$(EXEEXT) patrol-emulator$(EXEEXT) tests/bench/bench_model$(EXEEXT) \
		tests/bench/bench_yajl$(EXEEXT)
	top_builddir='$(abs_top_builddir)' top_srcdir='$(abs_top_srcdir)' \
		$(SHELL) $(srcdir)/tests/bench/run.sh
