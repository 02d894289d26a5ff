"""The plain-Python core of packs: the document a pack is (``document``) and the declared pack kinds with their
sections (``kinds``). Building a pack's sections from the pages' functions, rendering it and recording it live in
goldthread.packs. Nothing here imports Django."""
