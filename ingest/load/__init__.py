"""Loading raw.*: which file counts, the per-file cache, the bulk load into the warehouse."""
