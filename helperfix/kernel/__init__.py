"""Facts about the kernel tree, one module per kind, in dependency order:
``paths`` (constants: the bottom, the C front end reads it), ``kconfig``
(what the tree can do), ``atomic`` (the generated atomic.c), ``queries``
(facts read from scanned helper files, above the C front end).  Nothing is
imported here, so that importing ``paths`` costs nothing."""
