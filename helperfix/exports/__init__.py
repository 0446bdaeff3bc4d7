"""``helperfix exports``: predict the build failures that inlining the
helpers causes, before anything is built, and write their fixes.

Stages: the toolchain and a configured build give the helpers' exact
compile command (``toolchain``, ``build``, ``flags``); libclang parses the
unit (``unit``); the reach analysis walks every helper's body (``reach``);
the export table (``symbols``) turns each reached symbol into a verdict
(``verdict``), all run by ``analysis``; ``report`` renders them, ``fix`` and
``patches`` write the export patches, ``command`` is the command line.
Nothing is imported here: ``helperfix --help`` must not load libclang.
"""
