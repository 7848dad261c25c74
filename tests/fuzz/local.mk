# tests/fuzz/: fuzz targets; make check replays the corpora with any compiler.
