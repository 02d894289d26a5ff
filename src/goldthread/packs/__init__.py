"""Packs for every watcher, from one source: the improvement board, the DfE adviser, Ofsted's monitoring visit and
elected members. Each pack kind is a declared list of sections (goldthread.core.packs.kinds); each section is built
from the functions the pages read (``sections``); the document (goldthread.core.packs.document) is rendered to PDF,
Word and Excel (``render``); every pack made is recorded with its file (``models``, ``actions``)."""
