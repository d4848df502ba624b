"""A SPARQL 1.1 server as the store: queries over the protocol, builds by SPARQL Update.

Tested against the Oxigraph server and Virtuoso (docs/stores.md has each one's
quirks). What the knowledge base needs from any server, and how it gets it:

- The default graph must be the merge of the named graphs, each triple once.
  Servers disagree (Oxigraph's union default graph counts a triple once per
  graph, oxigraph#1919; Virtuoso's default dataset is every graph on the
  server, its own system graphs included), so a build writes the merge into a
  graph of its own (MERGED) and every query is sent with a protocol dataset:
  default-graph-uri=MERGED and named-graph-uri= each graph of the build (read
  from the MANIFEST graph). A query that names its own FROM / FROM NAMED, or a
  client that gives a protocol dataset, is sent as it is.
- A build must be atomic, and cheap where the server's update transaction is
  slow (the Oxigraph server deletes or inserts 10,000 to 26,000 quads a
  second). Readers see only the graphs the manifest lists, and the manifest
  holds a digest of each graph of the build (MERGED too); a graph whose
  digest has not changed is not written. A graph new to the build is written
  in place before the switch, and one gone from it is dropped after (PENDING
  lists both meanwhile, for the next build to drop should this one be
  killed). What changed in each other graph is put into staging graphs, in
  many requests; then one SPARQL Update request applies it to the live graphs
  and moves the new manifest in. On the Oxigraph server and Virtuoso a
  changed graph is read (one Graph Store GET) and only its difference is
  staged: deletions, then additions, so the switch costs what changed, not
  the build's size (the Oxigraph server's update transaction is slow, and
  Virtuoso refuses one that writes more than its TransactionAfterImageLimit,
  50 MB by default). A graph the server gives only in part (past
  Virtuoso's ResultSetMaxRows, or a GET of more than a million triples) is
  read in parts by hash; one that cannot be read at all, or on another
  server, is staged whole and moved over the live one. Graphs are written through the server's
  SPARQL 1.1 Graph Store HTTP Protocol endpoint (POSTs of N-Triples, which
  Virtuoso takes 7 times faster than INSERT DATA and the Oxigraph server,
  with its bulk loader, ?no_transaction, 1.8 times faster than POSTs in a
  transaction: INSERT DATA must be parsed as SPARQL and, by Virtuoso,
  compiled to SQL), found from the server's name or given as #gsp=URL;
  INSERT DATA is the fallback for a server without one. A client killed
  before the switch leaves the old build answerable (the next build removes
  what it wrote); killed after it, the new build is live and the next build
  drops what is left. The Oxigraph server runs the switch in one
  transaction; Virtuoso runs it to the end but not in isolation
  (docs/stores.md). A store that holds no build (no manifest) has nothing to
  keep answerable: every graph is written in place and the manifest last
  (_load_in_place).
- A server that cannot be reached raises StoreUnavailable (503 at the endpoint);
  nothing is cached but the graph list, so service resumes when the server does.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..readonly import _TOKEN, after_prologue
from .base import GraphName, Result, StoreRefused, StoreUnavailable, triples_result
from .spec import GSP_NONE, StoreSpec, without_password

MERGED = str(GRAPH["store/merged"])
MANIFEST = str(GRAPH["store/manifest"])
STAGING = str(GRAPH["store/staging/"])
STAGING_MANIFEST = STAGING + "manifest"
# Graphs of ours that no manifest lists (written before the switch, or gone from the build):
# listed here while a build runs, so that the next one drops them if it was killed.
PENDING = STAGING + "pending"
INFO = str(GRAPH["store/info"])
MEMBER = str(GRAPH["store/graph"])
# Put into PENDING as a build starts; PENDING is dropped as it ends. Staging graphs a killed
# build left are looked for only when PENDING holds anything (_drop_staging).
STARTED = str(GRAPH["store/started"])
# In the manifest of a build that marks its start so; a store whose manifest lacks it was
# written by a version that did not, and is searched for staging graphs.
MARKS_START = str(GRAPH["store/marks-start"])
DIGEST = str(GRAPH["store/digest"])  # in the manifest: "SHA-256 IRI" of each graph, MERGED too
# A blank node of the build is written as this IRI and its label (a Skolem IRI, RDF 1.1
# Concepts 3.5), and read back as the blank node: see _skolem.
GENID = "https://w3id.org/regimegraph/genid/"
CHUNK = 2_000  # triples per INSERT DATA request, at first
GSP_CHUNK = 100_000  # triples per Graph Store POST (about 20 MB of N-Triples), at first
# Triples per POST to the Oxigraph server's bulk loader: 500,000 loaded 1M triples 15 to 20%
# faster than 100,000 (benchmarks/RESULTS.md, session 4).
BULK_CHUNK = 500_000
MIN_GSP_CHUNK = 1_000  # a POST refused as too large (413, a proxy's limit) is split down to this
# A Graph Store endpoint answering these is absent or cannot take N-Triples: use INSERT DATA.
GSP_ABSENT = (404, 405, 415, 501)
# An endpoint found from the server's name (not given) may also be closed to this user.
GSP_CLOSED = (401, 403)
MIN_CHUNK = 100
DELETE_CHUNK = 50_000  # triples per DELETE DATA when a graph gone is emptied (_drop_graph)
LINES_CHUNK = 100_000  # triples written as N-Triples lines (and lines hashed) at a time
PAGE = 10_000  # rows per page when reading quads (Virtuoso's ResultSetMaxRows by default)
MAX_PARTS = 64  # queries, each a scan of the graph, to read one graph in parts (_hashed)
ANSWER_ROWS = 1_000_000  # the most rows to ask of one answer when a server gave no hint
GRAPH_LIST_SECONDS = 5.0

JSON_RESULTS = "application/sparql-results+json"
_RDF_TYPES = {
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "text/plain": ox.RdfFormat.N_TRIPLES,
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/x-turtle": ox.RdfFormat.TURTLE,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first keyword after the prologue."""
    for match in _TOKEN.finditer(text, after_prologue(text)):
        if match.lastgroup == "word":
            word = match.group().upper()
            if word in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
                return word
    return "SELECT"


def names_dataset(text: str) -> bool:
    """Whether the query has FROM or FROM NAMED (outside strings, IRIs and comments)."""
    for match in _TOKEN.finditer(text):
        if match.lastgroup == "word" and match.group().upper() == "FROM":
            start, end = match.span()
            if text[start - 1 : start] not in ("?", "$", ":") and text[end : end + 1] != ":":
                return True
    return False


class RemoteStore:
    """A QueryStore over a SPARQL 1.1 endpoint."""

    def __init__(self, spec: StoreSpec, timeout: float = 60.0) -> None:
        self.spec = spec
        self.timeout = timeout
        self.query_url, self._auth = _credentials(spec.url)
        self.update_url, self._update_auth = _credentials(spec.update_url)
        self._graphs: tuple[float, list[str] | None] | None = None
        self._chunk = CHUNK
        self.server = ""  # the Server header of the last answer: "Oxigraph/0.5.13", ...
        self._gsp: tuple[str, str | None] | None = None  # the Graph Store URL and auth, loading
        self._gsp_chunk = GSP_CHUNK
        self._bulk = False  # whether POSTs ask the Oxigraph server for its bulk loader
        self._direct_update = True  # updates as the POST body, not URL-encoded (update)
        self._marks_start = False  # whether the live manifest says builds mark their start

    # --- reading --------------------------------------------------------------------------

    def query(self, query: str, *, base_iri: str | None = None,
              prefixes: dict[str, str] | None = None,
              default_graph: list[GraphName] | None = None,
              named_graphs: list[ox.NamedNode | ox.BlankNode] | None = None) -> Result:
        prologue = f"BASE <{base_iri}>\n" if base_iri else ""
        prologue += "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in (prefixes or {}).items())
        params: list[tuple[str, str]] = [("query", prologue + query)]
        if default_graph is not None or named_graphs is not None:
            params += [("default-graph-uri", g.value) for g in default_graph or []
                       if isinstance(g, ox.NamedNode)]
            params += [("named-graph-uri", g.value) for g in named_graphs or []
                       if isinstance(g, ox.NamedNode)]
        elif not names_dataset(query):
            params += self._dataset()
        form = query_form(query)
        graph = form in ("CONSTRUCT", "DESCRIBE")
        accept = ("application/n-triples, text/turtle;q=0.9, application/rdf+xml;q=0.5"
                  if graph else f"{JSON_RESULTS}, application/sparql-results+xml;q=0.5")
        media, body = self._post(self.query_url, self._auth, params, accept)
        if graph:
            fmt = _RDF_TYPES.get(media)
            if fmt is None:
                raise StoreRefused(f"{self.spec.describe()} answered a {form} with {media!r}")
            return triples_result(_unskolem(_canonical_triple(q.triple))
                                  for q in ox.parse(body, fmt))
        results_format = (ox.QueryResultsFormat.XML if media.endswith("xml")
                          else ox.QueryResultsFormat.JSON)
        try:
            if results_format is ox.QueryResultsFormat.JSON:
                body = _canonical_json(body, blank=True)
            result = ox.parse_query_results(body, results_format)
        except (SyntaxError, ValueError) as error:
            raise StoreRefused(f"{self.spec.describe()} sent results that cannot be read: "
                               f"{error}") from None
        if form == "ASK" and isinstance(result, ox.QuerySolutions):
            # Virtuoso answers ASK with one variable, __ASK_RETVAL, bound to 1 when true.
            rows = list(result)
            value = bool(rows) and rows[0][0] is not None and rows[0][0].value not in ("0", "")
            return ox.parse_query_results(json.dumps({"head": {}, "boolean": value}),
                                          ox.QueryResultsFormat.JSON)
        return result

    def graphs(self, fresh: bool = False) -> list[str] | None:
        """The named graphs of the build in the store (None: the store holds no build)."""
        now = time.monotonic()
        if fresh or self._graphs is None or now - self._graphs[0] > GRAPH_LIST_SECONDS:
            rows = self._select(
                f"SELECT ?p ?o WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> ?p ?o }} }}")
            names = sorted(row["o"].value for row in rows if row["p"].value == MEMBER)
            self._graphs = (now, names if rows else None)
            self._marks_start = any(row["p"].value == MARKS_START for row in rows)
        return self._graphs[1]

    def build_info(self) -> dict[str, Any] | None:
        """The BuildInfo (JSON data) of the build in the store, or None."""
        rows = self._select(
            f"SELECT ?o WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{INFO}> ?o }} }}")
        for row in rows:
            try:
                data = json.loads(row["o"].value)
            except ValueError:
                return None
            return data if isinstance(data, dict) else None
        return None

    def quads(self) -> list[ox.Quad]:
        """Every quad of the build's named graphs, each graph checked against its count.

        A graph of up to PAGE triples is one query. A larger one is read whole
        through the Graph Store endpoint where there is one, else in parts by
        hash (_read), and failing both a sorted page at a time, which Virtuoso
        refuses past 10,000 rows (error SR353); its result limit could cut an
        answer short without saying so, hence the count.
        """
        out: list[ox.Quad] = []
        for name in self.graphs() or []:
            graph = ox.NamedNode(name)
            triples, count = self._read(name)
            if len(triples) != count:
                raise StoreRefused(
                    f"{self.spec.describe()} gave {len(triples):,} triples of graph <{name}>, "
                    f"which holds {count:,}: raise the server's result limits "
                    "(Virtuoso: ResultSetMaxRows and MaxSortedTopRows) or give #gsp=URL")
            for triple in map(_unskolem, triples):
                out.append(ox.Quad(triple.subject, triple.predicate, triple.object, graph))
        return out

    def _read(self, name: str) -> tuple[list[ox.Triple], int]:
        """A graph's triples, and how many it holds: they differ when an answer was cut short.

        Virtuoso cuts a Graph Store GET, or a query's answer, at its
        ResultSetMaxRows without saying so, and refuses a GET of more than a
        million triples (FRVEC, "over max vector length"): a GET that falls
        short or is refused is read again in parts by hash (_hashed), and
        failing that in sorted pages.
        """
        count = int(self._select(
            f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
        )[0]["n"].value)
        triples = self._whole_graph(name) if count > PAGE else None
        if count > PAGE and (triples is None or len(triples) < count):
            # Cut at what was read; refused (Virtuoso's vectors stop at a million), at that.
            limit = ANSWER_ROWS if triples is None else max(len(triples) - 1, PAGE)
            triples = self._hashed(name, count, limit)
        if triples is None or len(triples) != count:
            triples = self._paged(name)
        return triples, count

    def _hashed(self, name: str, count: int, limit: int) -> list[ox.Triple] | None:
        """A graph read in parts of about half `limit` triples, by the MD5 of each triple.

        The server's answers were cut at `limit` rows. Paging with OFFSET
        needs a sort, which Virtuoso refuses past MaxSortedTopRows (10,000 by
        default); the first hex digits of MD5(subject, predicate, object)
        split a graph into even parts without one, in standard SPARQL 1.1.
        Each part is one query scanning the graph, so at most MAX_PARTS. A
        part that fills `limit` may have been cut: None, as for a graph with
        blank nodes, whose STR() is an error (the caller counts, and pages).
        """
        parts = max(2, -(-2 * count // limit))
        if parts > MAX_PARTS:  # limit < _rows_for_parts(count) (or MAX_PARTS < 2)
            return None
        digits = 1 if parts <= 16 else 2
        values = [f"{i:0{digits}x}" for i in range(16**digits)]
        step = -(-len(values) // parts)
        key = 'MD5(CONCAT(STR(?s), " ", STR(?p), " ", STR(?o)))'
        triples: list[ox.Triple] = []
        for start in range(0, len(values), step):
            group = ", ".join(f'"{v}"' for v in values[start : start + step])
            # CONSTRUCT, as N-Triples: Virtuoso wrote 500,000 rows as JSON in 36 s.
            media, body = self._post(
                self.query_url, self._auth,
                [("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} "
                           f"FILTER(SUBSTR({key}, 1, {digits}) IN ({group})) }}")],
                "application/n-triples, text/turtle;q=0.5")
            part = _answer_triples(media, body)
            if len(part) >= limit:
                return None
            triples += part
        return triples

    def _graph_store(self) -> tuple[str, str | None] | None:
        """The Graph Store endpoint's address and credentials (graph_store_url), or None."""
        url, _how = self.graph_store_url()
        return _credentials(url) if url else None

    def _whole_graph(self, name: str) -> list[ox.Triple] | None:
        """A graph read in one Graph Store GET, or None when there is no endpoint to ask."""
        endpoint = self._graph_store()
        if endpoint is None:
            return None
        address, auth = endpoint
        try:
            media, body = self._get(_with_graph(address, name), auth, "application/n-triples")
        except _HttpRefused:
            return None
        return _answer_triples(media, body)

    def _paged(self, name: str) -> list[ox.Triple]:
        triples: list[ox.Triple] = []
        offset = 0
        while True:
            rows = self._select(
                f"SELECT ?s ?p ?o WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }} "
                f"ORDER BY ?s ?p ?o LIMIT {PAGE} OFFSET {offset}")
            triples += [ox.Triple(r["s"], r["p"], r["o"]) for r in rows]
            if len(rows) < PAGE:
                return triples
            offset += PAGE

    def _dataset(self) -> list[tuple[str, str]]:
        names = self.graphs()
        if names is None:
            return []
        return [("default-graph-uri", MERGED)] + [("named-graph-uri", g) for g in names]

    def _select(self, text: str) -> list[ox.QuerySolution]:
        _media, body = self._post(self.query_url, self._auth, [("query", text)], JSON_RESULTS)
        result = ox.parse_query_results(_canonical_json(body), ox.QueryResultsFormat.JSON)
        assert isinstance(result, ox.QuerySolutions)
        return list(result)

    # --- writing --------------------------------------------------------------------------

    def update(self, text: str) -> None:
        """Run one SPARQL Update request on the update endpoint.

        Sent as the POST body (application/sparql-update), not URL-encoded:
        Python's urlencode takes 0.6 s over 50,000 triples of DELETE DATA, and
        the Oxigraph server decodes that too (a million triples deleted in
        parts: 23 s URL-encoded, 13 s direct). A server that refuses the
        direct form (415) is sent the URL-encoded one from then on.
        """
        if self._direct_update:
            try:
                self._send(self.update_url, self._update_auth, text.encode(),
                           "application/sparql-update", "*/*")
                return
            except _HttpRefused as error:
                if error.status != 415:
                    raise
                self._direct_update = False
        self._post(self.update_url, self._update_auth, [("update", text)], "*/*")

    def load(self, dump: Path, info: dict[str, Any], progress: Any = None) -> None:
        """Replace the build in the store by the build's N-Quads dump, atomically (module doc).

        The dump is read once: what is held is each graph's N-Triples lines,
        most of them the dump's own lines with the graph cut off (_dump_lines),
        not the quads.
        """
        say = progress or (lambda _m: None)
        old = self.graphs(fresh=True)
        held = self._digests() if old is not None else {}
        listed, stopped = self._pending()
        leftovers = sorted(set(listed) - set(old or []))
        for graph in leftovers:  # one request each (_clean_up); before PENDING, which lists them
            say(f"dropping {graph}, left by a build that did not finish")
            self.update(f"DROP SILENT GRAPH <{graph}>")
        if stopped or old is None or not self._marks_start or self.product() == "oxigraph":
            self._drop_staging()
        self.update(_data("INSERT", PENDING, [f'<{PENDING}> <{STARTED}> "build" .'.encode()]))
        say("reading the build and writing its graphs as N-Triples")
        new = _dump_lines(dump)
        say(f"{len(new) - 1} graphs and the merged graph, {sum(map(len, new.values())):,} "
            "triples: hashing each graph, to write only what changed")
        digests = {graph: _digest(lines) for graph, lines in new.items()}
        manifest = _manifest_lines(info, sorted(set(new) - {MERGED}), digests)
        url, how = self.graph_store_url()
        self._gsp = (*_credentials(url),) if url else None
        self._bulk = self._gsp is not None and self.product() == "oxigraph"
        if self._bulk and self._gsp_chunk == GSP_CHUNK:  # not already split down (413)
            self._gsp_chunk = BULK_CHUNK
        if old is None:
            self._load_in_place(new, manifest, how, say)
        else:
            self._load_and_switch(new, digests, old, held, manifest, how, say)
        self._graphs = None

    def product(self) -> str:
        """The server's name from its last answer, lower case: "oxigraph", "virtuoso", ..."""
        return self.server.split("/", 1)[0].strip().lower()

    def _load_and_switch(self, new: dict[str, list[bytes]], digests: dict[str, str],
                         old: list[str], held: dict[str, str], manifest: list[bytes], how: str,
                         say: Any) -> None:
        """Write what changed, switch in one request, then drop what the build no longer has.

        Readers see only the graphs the live manifest lists (the protocol
        dataset), so a graph new to this build is written in place before the
        switch, and one the build no longer has is dropped after it; both are
        listed in PENDING meanwhile, for the next build to drop if this one is
        killed. A graph whose digest is the one in the live manifest is left
        alone. For each other graph, the server's copy is read and only its
        difference is staged and applied at the switch: the Oxigraph server's
        update transaction deletes and inserts 10,000 to 26,000 quads a
        second, and Virtuoso's may write only TransactionAfterImageLimit bytes,
        so the switch costs what changed, not the size of the build. On other
        servers (and for a graph that cannot be read) the graph is staged whole
        and moved over the live one.
        """
        fresh = sorted(set(new) - {*old, MERGED})
        gone = sorted(set(old) - set(new))
        changes: dict[str, _Change] = {}
        spelling = _SPELLING.get(self.product())
        read: dict[str, set[bytes]] = {}  # the live copy of each changed graph, as read
        changed = [graph for graph in sorted(set(new) - {*fresh, MERGED})
                   if held.get(graph) != digests[graph]]
        if changed and spelling:
            also = f" and the {len(gone)} gone" if gone else ""
            say(f"reading the {len(changed)} changed graphs ({sum(len(new[g]) for g in changed):,}"
                f" triples){also} from the server, to write only their differences")
        for graph in changed:
            changes[graph] = self._change(graph, new[graph], spelling, read)
        if held.get(MERGED) != digests[MERGED]:
            merged = self._merged_change(new, fresh, gone, changes, read,
                                         spelling) if spelling else None
            changes[MERGED] = merged or self._change(MERGED, new[MERGED], spelling, read)
        staged = {graph: (f"{STAGING}d{index}", f"{STAGING}a{index}")
                  for index, graph in enumerate(changes)}
        deleted = sum(len(c.delete) for c in changes.values())
        added = sum(len(c.add) for c in changes.values())
        written = sum(len(new[g]) for g in fresh)
        say(f"{len(changes) + len(fresh) + len(gone)} graphs changed ({len(fresh)} new, "
            f"{len(gone)} gone) of {len(new)}: loading {added + deleted + written:,} triples "
            f"into staging graphs of {self.spec.describe()} {how}")
        self._write_unlisted({g: new[g] for g in fresh}, say)
        for graph, change in changes.items():
            for name, lines in zip(staged[graph], (change.delete, change.add), strict=True):
                if lines:
                    self._stage(name, lines, say)
        self._stage(STAGING_MANIFEST, manifest, say)
        say(f"switching: {deleted:,} triples deleted and {added:,} added; graphs replaced "
            f"whole: {sum(c.replace for c in changes.values())}, new: {len(fresh)}, "
            f"dropped after: {len(gone)}")
        self._switch(changes, staged, gone, sorted(set(new) - {MERGED}))
        say("switched: dropping the staging graphs and the graphs gone")
        self._clean_up([name for graph in changes for name in staged[graph]], gone, say, read)

    def _clean_up(self, staging: list[str], gone: list[str], say: Any,
                  known: dict[str, set[bytes]]) -> None:
        """After the switch: drop the staging graphs, then each graph gone, then PENDING.

        The new build is live whatever happens here, so a server that fails
        or times out is reported, not raised: PENDING still lists the graphs
        gone, and the next build drops what is left. The staging graphs are
        known (looking for them scans Virtuoso's store: 4 s at a million
        triples). Each graph gone is dropped by requests of its own
        (_drop_graph): the seven graphs of a renamed folder of ten million
        triples, dropped in one request, outlasted the client's ten minutes
        and took 12 GB of the Oxigraph server's memory. `known` holds the
        graphs gone as read from the server, where they were.
        """
        try:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>"
                                     for g in [*staging, STAGING_MANIFEST]))
            for index, graph in enumerate(gone, 1):
                if len(gone) > 1:
                    say(f"dropping graph {index} of {len(gone)} gone: {graph}")
                self._drop_graph(graph, known.get(graph, set()))
            self.update(f"DROP SILENT GRAPH <{PENDING}>")
        except (StoreRefused, StoreUnavailable) as error:
            say(f"the new build is live, but dropping the previous one's graphs did not "
                f"finish ({error}); the next build drops what is left")

    def _drop_graph(self, graph: str, lines: Collection[bytes]) -> None:
        """Drop a graph; on the Oxigraph server, delete the triples read from it first, in parts.

        The Oxigraph server's DROP GRAPH deletes 18,000 to 27,000 quads a
        second and slows as the graph grows; DELETE DATA of the same triples,
        sorted, 50,000 a request, 52,000 to 65,000 (0.5.13, the 848k-triple
        graph of the 1M build: 31 s against 13 to 16 s; benchmarks/RESULTS.md).
        Sorted, they are deleted in the order of the server's indexes; in the
        random order a set iterates in, they took 29 s. A triple with a blank
        node (not written by a build, _skolem) cannot be named in DELETE DATA
        (nor, safely, one whose line merely looks like it): DROP GRAPH, which
        ends every drop, removes those and what a refused part left.
        """
        if lines and self.product() == "oxigraph":
            ground = sorted(line for line in lines if b"_:" not in line)
            try:
                for start in range(0, len(ground), DELETE_CHUNK):
                    self.update(_data("DELETE", graph, ground[start : start + DELETE_CHUNK]))
            except _HttpRefused:
                pass  # DROP GRAPH below deletes the rest, only more slowly
        self.update(f"DROP SILENT GRAPH <{graph}>")

    def _change(self, graph: str, lines: list[bytes], spelling: _Spelling | None,
                read: dict[str, set[bytes]]) -> _Change:
        """What a changed graph needs: its difference from the live copy, or to be replaced."""
        current = self._current(graph) if spelling else None
        if spelling is None or current is None:
            return _Change([], lines, replace=True)
        read[graph] = current
        wanted_lines = spelling(lines)  # as the server will hold them
        wanted = set(wanted_lines)
        return _Change([x for x in current if x not in wanted],
                       [x for x in wanted_lines if x not in current])

    def _merged_change(self, new: dict[str, list[bytes]], fresh: list[str], gone: list[str],
                       changes: dict[str, _Change], read: dict[str, set[bytes]],
                       spelling: _Spelling) -> _Change | None:
        """The merged graph's difference, from the other graphs' (None: read it instead).

        The merged graph is the largest (too large for Virtuoso's
        ResultSetMaxRows; 10 s to read from the Oxigraph server at a million
        triples), and is the union of the build's graphs: a triple leaves it
        when it left a changed graph, or was in a graph gone, and is in no
        graph of the new build; it joins it when it joined a changed graph, or
        is in a new graph (as the server spells it), and was in none of the
        graphs read. (One also in an unchanged graph is added again, which
        changes nothing.) This needs
        every changed graph read, and each graph gone. Were a server's
        spelling of a literal not the build's, a triple could leave the merged
        graph while still in another: the switch puts back every triple it
        deleted from the merged graph that a graph of the new build holds
        (_Change.restore), by value.
        """
        if any(change.replace for change in changes.values()):
            return None
        for graph in gone:
            current = self._current(graph)
            if current is None:
                return None
            read[graph] = current
        # A line the server wrote is spelt as it spells it: a line of the build
        # equal to one is spelt so too. Only the others are spelt, and for what
        # left, only the merged lines of a subject and predicate still there
        # (the build's 1M merged graph, spelt whole: 3.1 s; a renamed folder's
        # new graphs: 1.7 s).
        seen: set[bytes] = set().union(*read.values())
        left: set[bytes] = set().union(*(c.delete for c in changes.values()),
                                       *(read[g] for g in gone))
        if left:
            left -= set(new[MERGED])
        if left:
            keys = {_subject_predicate(line) for line in left}
            left -= set(spelling([line for line in new[MERGED]
                                  if _subject_predicate(line) in keys]))
        unseen: set[bytes] = set().union(*(new[g] for g in fresh)) - seen
        joined: set[bytes] = set().union(*(c.add for c in changes.values()),
                                         spelling(sorted(unseen)))
        joined -= seen
        return _Change(sorted(left), sorted(joined), restore=bool(left))

    def _write_unlisted(self, graphs: dict[str, list[bytes]], say: Any) -> None:
        """Write graphs no manifest lists, where they go: listed in PENDING, emptied, written."""
        names = sorted(graphs)
        if not names:
            return
        self.update(_data("INSERT", PENDING, _pending_lines(names)))
        self.update(" ;\n".join(f"DROP SILENT GRAPH <{g}>" for g in names))
        for graph in names:
            self._stage(graph, graphs[graph], say)

    def _load_in_place(self, new: dict[str, list[bytes]], manifest: list[bytes], how: str,
                       say: Any) -> None:
        """Write a build into a store that holds none: each graph where it goes, the manifest last.

        With no manifest there is no build to keep answerable (readers are
        told the store holds none), so nothing is copied. The graphs about to
        be written are listed first (PENDING): a build killed here leaves them
        without a manifest, and the next one drops them before it writes.
        """
        total = sum(len(lines) for lines in new.values())
        say(f"loading {total:,} triples into {self.spec.describe()}, which holds no build, "
            f"{how}")
        self._write_unlisted(new, say)
        self.update(f"DROP SILENT GRAPH <{MANIFEST}> ;\n" + _data("INSERT", MANIFEST, manifest))
        self.update(f"DROP SILENT GRAPH <{PENDING}>")

    def graph_store_url(self) -> tuple[str, str]:
        """The Graph Store endpoint to load through ("" for none), and how loading goes.

        Given as #gsp=URL, or found from the server's name (the Server header of
        an answer, so call after a query): the Oxigraph server's /store beside
        its /query, Virtuoso's /sparql-graph-crud beside its /sparql. Another
        server is not guessed at: a POST to a path that means something else
        there could do harm.
        """
        given = self.spec.gsp_url
        if given == GSP_NONE:
            return "", "with INSERT DATA (#gsp=none)"
        if given:
            return given, f"through the Graph Store endpoint {without_password(given)}"
        product = self.product()
        parts = urlsplit(self.spec.url)
        path = parts.path
        found = ""
        if product == "oxigraph" and path.endswith("/query"):
            found = path[: -len("query")] + "store"
        elif product == "virtuoso" and path.endswith(("/sparql", "/sparql/")):
            found = path.rstrip("/") + "-graph-crud"
        if not found:
            return "", ("with INSERT DATA (no Graph Store endpoint known for this server: "
                        "give #gsp=URL to load faster)")
        url = urlunsplit(parts._replace(path=found, query="", fragment=""))
        return url, f"through its Graph Store endpoint {without_password(url)}"

    def _stage(self, graph: str, lines: Sequence[bytes], say: Any) -> None:
        """Add N-Triples lines to one graph: by Graph Store POSTs, or INSERT DATA.

        The Oxigraph server is asked to load without a transaction
        (?no_transaction, its bulk loader): the graphs written are staging
        graphs, or graphs no manifest lists (no reader sees them), so a load
        cut short harms nothing.

        An endpoint that is not there (404, 405, 415, 501; or 401, 403 for one
        not given but found) turns loading over to INSERT DATA for the rest of
        the build; POSTs that went through are harmless, as a graph is a set. A
        POST too large for the server or a proxy before it (413), or for one
        Virtuoso transaction (SR325, TransactionAfterImageLimit), is split.
        """
        if self._gsp is not None:
            url, auth = self._gsp
            target = _with_graph(url, graph) + ("&no_transaction" if self._bulk else "")
            start = 0
            try:
                while start < len(lines):
                    size = self._gsp_chunk
                    body = b"\n".join(lines[start : start + size]) + b"\n"
                    try:
                        self._send(target, auth, body, "application/n-triples", "*/*")
                    except _HttpRefused as error:
                        too_large = error.status == 413 or "SR325" in error.detail
                        if not too_large or size <= MIN_GSP_CHUNK:
                            raise
                        self._gsp_chunk = max(MIN_GSP_CHUNK, size // 4)
                        continue
                    start += size
                return
            except _HttpRefused as error:
                where = f"the Graph Store endpoint {without_password(url)}"
                given = bool(self.spec.gsp_url)
                if error.status not in GSP_ABSENT and (given or error.status not in GSP_CLOSED):
                    raise _HttpRefused(error.status, f"{where} refused the load (HTTP "
                                       f"{error.status}): {error.detail} (#gsp=none loads "
                                       f"with INSERT DATA instead)") from None
                say(f"{where} refused the load (HTTP {error.status}): "
                    f"loading with INSERT DATA instead")
                self._gsp = None
        self._insert(graph, lines)

    def _switch(self, changes: dict[str, _Change], staged: dict[str, tuple[str, str]],
                gone: list[str], members: list[str]) -> None:
        """The one request that makes the staged build live: deletions, then additions, manifest.

        A graph's staged deletions are removed from it and its staged additions
        added (ADD leaves the staging graph, dropped after the switch, outside
        the request); a graph replaced whole is dropped and the staging graph
        moved over it, as is the manifest, last. Where asked (_Change.restore),
        the deleted triples that a graph of the new build (`members`) holds are
        put back. The graphs `gone` from the build are listed in PENDING, to be
        dropped after.
        """
        first: list[str] = []
        then: list[str] = []
        last: list[str] = []
        values = ", ".join(f"<{g}>" for g in members)
        for graph, change in changes.items():
            removed, added = staged[graph]
            if change.replace:
                first.append(f"DROP SILENT GRAPH <{graph}>")
                if change.add:
                    then.append(f"MOVE SILENT GRAPH <{added}> TO GRAPH <{graph}>")
                continue
            if change.delete:
                first.append(f"DELETE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} "
                             f"WHERE {{ GRAPH <{removed}> {{ ?s ?p ?o }} }}")
            if change.add:
                then.append(f"ADD SILENT GRAPH <{added}> TO GRAPH <{graph}>")
            if change.restore and members:
                # EXISTS, so that each deleted triple is looked up (the Oxigraph server
                # joined VALUES ?g first: 4 s, every graph scanned, at a million triples).
                last.append(f"INSERT {{ GRAPH <{graph}> {{ ?s ?p ?o }} }} WHERE {{ "
                            f"GRAPH <{removed}> {{ ?s ?p ?o }} FILTER EXISTS {{ "
                            f"GRAPH ?g {{ ?s ?p ?o }} FILTER(?g IN ({values})) }} }}")
        last.append(f"MOVE SILENT GRAPH <{STAGING_MANIFEST}> TO GRAPH <{MANIFEST}>")
        if gone:
            last.append(_data("INSERT", PENDING, _pending_lines(gone)))
        try:
            self.update(" ;\n".join(first + then + last))
        except StoreRefused as error:
            if "SR325" not in str(error):
                raise
            raise StoreRefused(_too_large(self.spec.describe(), changes)) from None

    def _insert(self, graph: str, lines: Sequence[bytes]) -> None:
        """INSERT DATA in chunks; a chunk the server finds too long is split and sent again.

        Virtuoso compiles an INSERT DATA into SQL and refuses one whose SQL passes
        10,000 lines (error SP031), about 1,500 triples; other servers take any size.
        """
        size = self._chunk
        start = 0
        while start < len(lines):
            try:
                self.update(_data("INSERT", graph, lines[start : start + size]))
            except StoreRefused:
                if size <= MIN_CHUNK:
                    raise
                size = self._chunk = max(MIN_CHUNK, size // 4)
                continue
            start += size

    def _drop_staging(self) -> None:
        """Drop every staging graph a killed build left (a build drops its own by name).

        The Oxigraph server lists its graphs without reading them (GRAPH ?g {});
        elsewhere the graphs are found from their triples, which reads the store
        (Virtuoso: 33 s at ten million triples). So elsewhere `load` looks only
        when a build may have left some: PENDING holds anything (each build
        marks its start there, STARTED, and drops PENDING as it ends), the
        store holds no build, or its manifest does not say that builds mark
        their start (MARKS_START; written by an earlier version).
        """
        if self.product() == "oxigraph":
            found = f"GRAPH ?g {{ }} FILTER(STRSTARTS(STR(?g), \"{STAGING}\"))"
        else:
            found = f'GRAPH ?g {{ ?s ?p ?o }} FILTER(STRSTARTS(STR(?g), "{STAGING}"))'
        rows = self._select(f"SELECT DISTINCT ?g WHERE {{ {found} }}")
        if rows:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{r['g'].value}>" for r in rows))

    def _digests(self) -> dict[str, str]:
        """The digest of each graph of the live build, from its manifest ({} if it has none)."""
        rows = self._select(
            f"SELECT ?o WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{DIGEST}> ?o }} }}")
        found: dict[str, str] = {}
        for row in rows:
            digest, _, graph = row["o"].value.partition(" ")
            found[graph] = digest
        return found

    def _pending(self) -> tuple[list[str], bool]:
        """The graphs PENDING lists (the next build drops those no manifest lists), and
        whether it holds anything: a build started and did not finish."""
        rows = self._select(
            f"SELECT ?p ?o WHERE {{ GRAPH <{PENDING}> {{ <{PENDING}> ?p ?o }} }}")
        return sorted(row["o"].value for row in rows if row["p"].value == MEMBER), bool(rows)

    def _current(self, graph: str) -> set[bytes] | None:
        """A graph's triples as the server holds them, as N-Triples lines (None: cannot be read).

        The Oxigraph server's N-Triples (a Graph Store GET, or a CONSTRUCT
        without one) are pyoxigraph's, line for line, and are taken as they
        come (parsing and writing them again costs more than the GET at a
        million triples). Elsewhere (Virtuoso) the graph is read and counted
        (_read): one cut short by the server's limits is not read at all, and
        is staged whole. Were a server's lines ever spelt otherwise than the
        build's (_SPELLING), a triple would only be deleted and added again: a
        graph's deletions come first.
        """
        if self.product() == "oxigraph":
            endpoint = self._graph_store()
            try:
                if endpoint is not None:
                    address, auth = endpoint
                    media, body = self._get(_with_graph(address, graph), auth,
                                            "application/n-triples")
                else:  # one CONSTRUCT, not sorted pages: Oxigraph sets no result limit
                    media, body = self._post(
                        self.query_url, self._auth,
                        [("query", f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> "
                                   "{ ?s ?p ?o } }")], "application/n-triples")
            except _HttpRefused as error:
                if error.status == 404:  # no such graph
                    return set()
            else:
                if media == "application/n-triples":
                    return set(body.splitlines())
        try:
            triples, count = self._read(graph)
        except StoreRefused:  # Virtuoso: a sorted page past MaxSortedTopRows (SR353)
            return None
        return set(_lines(triples)) if len(triples) == count else None

    # --- HTTP -----------------------------------------------------------------------------

    def _post(self, url: str, auth: str | None, params: list[tuple[str, str]],
              accept: str) -> tuple[str, bytes]:
        return self._send(url, auth, urlencode(params).encode(),
                          "application/x-www-form-urlencoded", accept)

    def _get(self, url: str, auth: str | None, accept: str) -> tuple[str, bytes]:
        return self._send(url, auth, None, "", accept)

    def _send(self, url: str, auth: str | None, data: bytes | None, content_type: str,
              accept: str) -> tuple[str, bytes]:
        headers = {"Accept": accept, "User-Agent": "regimegraph"}
        if data is not None:
            headers["Content-Type"] = content_type
        request = urllib.request.Request(
            url, data=data, method="POST" if data is not None else "GET", headers=headers)
        if auth:
            request.add_header("Authorization", auth)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                self.server = response.headers.get("Server", "")
                media = response.headers.get_content_type()
                return media, response.read()
        except urllib.error.HTTPError as error:
            detail = _first_line(error.read())
            if error.code in (502, 503, 504):
                raise StoreUnavailable(f"{self.spec.describe()} is not answering "
                                       f"(HTTP {error.code}): {detail}") from None
            if error.code in (401, 403):
                raise _HttpRefused(error.code, f"{self.spec.describe()} refused access "
                                   f"(HTTP {error.code}): {detail}", detail) from None
            raise _HttpRefused(error.code, f"{self.spec.describe()} refused the request "
                               f"(HTTP {error.code}): {detail}", detail) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise StoreUnavailable(f"{self.spec.describe()} is not answering: {reason}") from None


class _HttpRefused(StoreRefused):
    """A refusal with its HTTP status, for the loader to tell a missing endpoint from an error."""

    def __init__(self, status: int, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.status = status
        self.detail = detail


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
_BOOLEANS = {"1": "true", "0": "false"}


def _canonical_json(body: bytes, blank: bool = False) -> bytes:
    """SPARQL JSON results with booleans in canonical form, and blank nodes that parse.

    Virtuoso stores "true"^^xsd:boolean as 1 and answers "1"^^xsd:boolean: the
    same value, but not the lexical form every other store (and the data) uses.
    It labels blank nodes "nodeID://b10006", which is not a blank node label
    (pyoxigraph refuses the whole answer): the label keeps its letters and
    digits. With `blank`, a Skolem IRI of the build's (GENID) is its blank
    node again.
    """
    booleans = XSD_BOOLEAN.encode() in body
    blanks = b"bnode" in body
    skolems = blank and GENID.encode() in body
    if not (booleans or blanks or skolems):
        return body
    document = json.loads(body)
    for row in document.get("results", {}).get("bindings", []):
        for value in row.values():
            kind, text = value.get("type"), value.get("value", "")
            if value.get("datatype") == XSD_BOOLEAN and text in _BOOLEANS:
                value["value"] = _BOOLEANS[text]
            elif kind == "bnode" and not _LABEL.fullmatch(text):
                value["value"] = _NOT_LABEL.sub("_", text)
            elif skolems and kind == "uri" and text.startswith(GENID):
                value["type"], value["value"] = "bnode", text[len(GENID):]
    return json.dumps(document).encode()


_LABEL = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_-])?")
_NOT_LABEL = re.compile(r"[^A-Za-z0-9_]+")


def _answer_triples(media: str, body: bytes) -> list[ox.Triple]:
    """The triples of a graph answer (a Graph Store GET, a CONSTRUCT), in canonical form."""
    fmt = _RDF_TYPES.get(media, ox.RdfFormat.N_TRIPLES)
    return [_canonical_triple(t.triple) for t in ox.parse(body, fmt)]


def _canonical_triple(triple: ox.Triple) -> ox.Triple:
    literal = triple.object
    if (isinstance(literal, ox.Literal) and literal.datatype.value == XSD_BOOLEAN
            and literal.value in _BOOLEANS):
        return ox.Triple(triple.subject, triple.predicate,
                         ox.Literal(_BOOLEANS[literal.value], datatype=literal.datatype))
    return triple


def _skolem(triple: ox.Triple) -> ox.Triple:
    """The triple with each blank node written as a Skolem IRI (GENID and its label).

    A blank node cannot be named in a request: DELETE WHERE matching the
    staged triples of a graph, or DELETE DATA, never finds the server's copy
    of one, and SPARQL Update gives the blank nodes of INSERT DATA fresh
    labels. So a triple with one could never leave a graph it left in the
    build, nor the merged graph, and Virtuoso answers blank nodes with labels
    that are not labels. As IRIs (RDF 1.1 Concepts 3.5 describes this) they
    are written, read back, compared and deleted like any other term;
    queries and reads turn them back into blank nodes (_unskolem), so answers
    are those of the other stores, except to a query that tests isBlank or
    isIRI on the server.
    """
    subject, obj = triple.subject, triple.object
    if isinstance(subject, ox.BlankNode):
        subject = ox.NamedNode(GENID + subject.value)
    if isinstance(obj, ox.BlankNode):
        obj = ox.NamedNode(GENID + obj.value)
    return ox.Triple(subject, triple.predicate, obj)


def _unskolem(triple: ox.Triple) -> ox.Triple:
    """The triple with each Skolem IRI of the build's (GENID) its blank node again."""
    subject, obj = triple.subject, triple.object
    if isinstance(subject, ox.NamedNode) and subject.value.startswith(GENID):
        subject = ox.BlankNode(subject.value[len(GENID):])
    if isinstance(obj, ox.NamedNode) and obj.value.startswith(GENID):
        obj = ox.BlankNode(obj.value[len(GENID):])
    if subject is triple.subject and obj is triple.object:
        return triple
    return ox.Triple(subject, triple.predicate, obj)


def _data(verb: str, graph: str, lines: Iterable[bytes]) -> str:
    """INSERT DATA or DELETE DATA (`verb`) of N-Triples lines, each a SPARQL triple as it is.

    DELETE DATA may not hold blank nodes; INSERT DATA gives them new labels.
    """
    body = b"\n".join(lines).decode()
    return f"{verb} DATA {{ GRAPH <{graph}> {{\n{body}\n}} }}"


@dataclass
class _Change:
    """What one graph needs to become the new build's: lines to delete, then lines to add."""

    delete: list[bytes]
    add: list[bytes]
    replace: bool = False  # dropped, then `add` is the whole graph (or it goes: add is empty)
    restore: bool = False  # put back, after, the deleted triples another graph still holds


# The build's N-Triples lines of a graph -> the lines the server will write back for them.
_Spelling = Callable[[Sequence[bytes]], list[bytes]]


def _rows_for_parts(count: int) -> int:
    """The fewest rows an answer may hold for a graph of `count` triples to be read in parts.

    _hashed reads parts of about half the rows an answer may hold, at most
    MAX_PARTS of them (its test is this bound); _too_large tells a user it.
    """
    return -(-count // max(1, MAX_PARTS // 2))


def _too_large(store: str, changes: dict[str, _Change]) -> str:
    """What to do when Virtuoso refuses a switch larger than its TransactionAfterImageLimit."""
    whole = {graph: len(c.add) for graph, c in changes.items() if c.replace}
    written = sum(len(c.delete) + len(c.add) for c in changes.values())
    message = (f"{store} refused to switch to the new build: the switch writes "
               f"{written:,} triples, more than Virtuoso's TransactionAfterImageLimit "
               "allows (50,000,000 bytes unless set in [Parameters] of virtuoso.ini; "
               "error SR325). The previous build is still live. Raise that limit")
    if whole:
        largest = max(whole.values())
        message += (f", or raise ResultSetMaxRows in [SPARQL] to at least "
                    f"{_rows_for_parts(largest):,} so that the {len(whole)} graph(s) "
                    f"now replaced whole (the largest: {largest:,} triples) can be read and "
                    "only their changes written")
    return message + ", then build again."


def _subject_predicate(line: bytes) -> bytes:
    """An N-Triples line up to its object (pyoxigraph writes one space between terms)."""
    return line[: line.index(b" ", line.index(b" ") + 1)]


def _pending_lines(graphs: Iterable[str]) -> list[bytes]:
    return [f"<{PENDING}> <{MEMBER}> <{graph}> .".encode() for graph in graphs]


def _lines(triples: Sequence[ox.Triple]) -> list[bytes]:
    """N-Triples lines, written by pyoxigraph: one term, one spelling, so lines compare as terms."""
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").splitlines()


def _graph_lines(quads: Iterable[ox.Quad]) -> dict[str, list[bytes]]:
    """Each named graph's N-Triples lines, and MERGED's (each triple once), by graph name."""
    return _with_merged(_named_lines(quads))


def _named_lines(quads: Iterable[ox.Quad]) -> dict[str, list[bytes]]:
    """Each named graph's N-Triples lines, by graph name (the default graph is not the build's).

    Quads are turned into lines LINES_CHUNK at a time: held as pyoxigraph
    objects, a ten-million-triple build (25 million with the merged graph)
    would need more memory than the lines and the server together.
    Pyoxigraph writes a term one way only, so equal lines are equal triples
    and the merged graph is the union of the lines. Blank nodes are written
    as Skolem IRIs (_skolem).
    """
    waiting: dict[str, list[ox.Triple]] = {}
    lines: dict[str, list[bytes]] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            name = quad.graph_name.value
            batch = waiting.setdefault(name, [])
            triple = quad.triple
            if isinstance(triple.subject, ox.BlankNode) or isinstance(triple.object, ox.BlankNode):
                triple = _skolem(triple)
            batch.append(triple)
            if len(batch) >= LINES_CHUNK:
                lines.setdefault(name, []).extend(_lines(batch))
                batch.clear()
    for name, batch in waiting.items():
        lines.setdefault(name, []).extend(_lines(batch))
    return lines


def _with_merged(lines: dict[str, list[bytes]]) -> dict[str, list[bytes]]:
    """The graphs' lines by name, sorted, and MERGED's last: their union, each line once."""
    by_graph = dict(sorted(lines.items()))
    by_graph[MERGED] = list(dict.fromkeys(line for graph in lines.values() for line in graph))
    return by_graph


def _dump_lines(dump: Path) -> dict[str, list[bytes]]:
    """_graph_lines of the build's dump, most lines cut rather than parsed and written again.

    The dump's lines are pyoxigraph's N-Triples lines with their graph's
    IRI appended (loader.nquads_lines, kb.write_dump): "S P O <G> .". Cutting
    the graph off gives the line _lines would write: 2.4 s instead of 5.0 for
    the 1M build's dump (2.6 million lines with the merged graph's). A line
    not of that shape for certain (a blank node to write as a Skolem IRI, a
    triple in the default graph, anything else) is parsed (_named_lines).
    The object of "S P <O> ." would read as a graph, leaving "S P": a line
    kept has at least two spaces before its graph. The end of "S P "a <b>"^^<T> ."
    would read as the graph <b>"^^<T>: an IRI holds no '"', so a graph kept has none.
    """
    cut: dict[bytes, list[bytes]] = {}
    parsed: list[bytes] = []
    with open(dump, "rb") as lines:
        for line in lines:
            text = line.rstrip(b"\r\n")
            if text.endswith(b"> .") and b"_:" not in text:
                head, _, graph = text[:-2].rpartition(b" ")
                if graph[:1] == b"<" and b'"' not in graph and head.count(b" ") >= 2:
                    cut.setdefault(graph, []).append(head + b" .")
                    continue
            parsed.append(line)
    found = {graph[1:-1].decode(): kept for graph, kept in cut.items()}
    if parsed:
        quads = ox.parse(b"".join(parsed), format=ox.RdfFormat.N_QUADS)
        for name, more in _named_lines(quads).items():
            found.setdefault(name, []).extend(more)
    return _with_merged(found)


def _respelt(lines: Sequence[bytes],
             rewrite: Callable[[Iterable[ox.Literal]], dict[ox.Literal, ox.Literal]]
             ) -> list[bytes]:
    """The lines with each literal `rewrite` maps written as it says; each line once.

    Only a literal with a datatype other than xsd:string, or a language,
    is ever written otherwise, so only lines with `"^^<` or `"@` are parsed
    (a few false hits, in strings, cost a parse, nothing else). Two lines
    that differ only in the spelling of a literal are one triple on the
    server, hence one line.
    """
    candidates = [i for i, line in enumerate(lines) if b'"^^<' in line or b'"@' in line]
    if not candidates:
        return list(lines)
    parsed = list(ox.parse(b"\n".join(lines[i] for i in candidates),
                           format=ox.RdfFormat.N_TRIPLES))
    written = rewrite(t.object for t in parsed if isinstance(t.object, ox.Literal))
    if not written:
        return list(lines)
    where: list[int] = []
    rewritten: list[ox.Triple] = []
    for index, triple in zip(candidates, parsed, strict=True):
        if isinstance(triple.object, ox.Literal) and triple.object in written:
            where.append(index)
            rewritten.append(ox.Triple(triple.subject, triple.predicate, written[triple.object]))
    result = list(lines)
    for index, line in zip(where, _lines(rewritten), strict=True):
        result[index] = line
    return list(dict.fromkeys(result))


def _stored_lines(lines: Sequence[bytes]) -> list[bytes]:
    """The lines as an Oxigraph store writes their triples back (_as_stored)."""
    return _respelt(lines, _as_stored)


def _virtuoso_lines(lines: Sequence[bytes]) -> list[bytes]:
    """The lines as Virtuoso writes their triples back (_as_virtuoso_stores)."""
    return _respelt(lines, _as_virtuoso_stores)


# How each server writes back the triples it was sent, as N-Triples lines, for comparing
# what it holds with what a build wants; a server not named here has its changed graphs
# staged whole. A literal spelt otherwise than here costs a deletion and an addition at
# the switch, and is put back (_Change.restore): slower, never wrong.
_SPELLING: dict[str, _Spelling] = {
    "oxigraph": _stored_lines,
    "virtuoso": _virtuoso_lines,
}

# Datatypes Virtuoso keeps by value, under their own name: "01"^^xsd:int comes back as
# "1"^^xsd:int, "1.50"^^xsd:decimal as "1.5" (probed on 7.2.5; booleans come back as 1 or
# 0, which _canonical_triple turns into true or false). Dates, years and strings keep their
# lexical form; doubles are written otherwise again ("1E0" as "1.0"), not modelled here.
_VIRTUOSO_BY_VALUE = frozenset(f"http://www.w3.org/2001/XMLSchema#{name}" for name in (
    "integer", "nonNegativeInteger", "positiveInteger", "nonPositiveInteger",
    "negativeInteger", "long", "int", "short", "byte", "unsignedLong", "unsignedInt",
    "unsignedShort", "unsignedByte", "decimal", "boolean"))


def _as_virtuoso_stores(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """The literals Virtuoso writes differently: numbers and booleans by their canonical value.

    The canonical lexical form is Oxigraph's (_as_stored), the datatype the literal's own.
    """
    by_value = _as_stored(lit for lit in literals if lit.datatype.value in _VIRTUOSO_BY_VALUE)
    return {original: ox.Literal(stored.value, datatype=original.datatype)
            for original, stored in by_value.items() if stored.value != original.value}


def _as_stored(literals: Iterable[ox.Literal]) -> dict[ox.Literal, ox.Literal]:
    """The literals an Oxigraph store writes differently, and how it writes them.

    Oxigraph keeps some datatypes by value: "01"^^xsd:integer comes back as
    "1", "1"^^xsd:boolean as "true", an xsd:nonNegativeInteger as an
    xsd:integer. Only literals other than plain strings can change.
    """
    distinct = list({lit for lit in literals
                     if lit.language is not None or lit.datatype.value != XSD_STRING})
    scratch = ox.Store()
    scratch.extend(ox.Quad(ox.NamedNode(f"urn:x:{index}"), ox.NamedNode("urn:x"), literal)
                   for index, literal in enumerate(distinct))
    found: dict[ox.Literal, ox.Literal] = {}
    for quad in scratch:
        original = distinct[int(quad.subject.value[len("urn:x:"):])]
        if quad.object != original and isinstance(quad.object, ox.Literal):
            found[original] = quad.object
    return found


def _digest(lines: Iterable[bytes]) -> str:
    """The SHA-256 of a graph's sorted lines, joined by newlines: equal digests, equal graphs.

    Hashed LINES_CHUNK lines at a time, not joined whole (1.3 GB for the
    merged graph of a ten-million-triple build).
    """
    ordered = sorted(lines)
    digest = hashlib.sha256()
    for start in range(0, len(ordered), LINES_CHUNK):
        if start:
            digest.update(b"\n")
        digest.update(b"\n".join(ordered[start : start + LINES_CHUNK]))
    return digest.hexdigest()


def _manifest_lines(info: dict[str, Any], names: list[str],
                    digests: dict[str, str]) -> list[bytes]:
    """The manifest: the BuildInfo, the build's named graphs, and each graph's digest."""
    triples = [ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(INFO),
                         ox.Literal(json.dumps(info, sort_keys=True)))]
    triples += [ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(MEMBER), ox.NamedNode(n))
                for n in names]
    triples += [ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(DIGEST),
                          ox.Literal(f"{digest} {graph}"))
                for graph, digest in sorted(digests.items())]
    triples.append(ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(MARKS_START),
                             ox.Literal("PENDING")))
    return _lines(triples)


def _with_graph(url: str, graph: str) -> str:
    """A Graph Store URL naming its target graph (?graph=IRI), after any query it has."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode({"graph": graph})) if q)
    return urlunsplit(parts._replace(query=query))


def _first_line(body: bytes) -> str:
    """The start of an error answer, as text: an HTML page (Virtuoso's) without its markup."""
    text = body.decode("utf-8", "replace").strip()
    if text[:15].lower().startswith(("<!doctype html", "<html")):
        text = re.sub(r"(?is)<head.*?</head>|<!doctype[^>]*>", " ", text)
        text = html.unescape(re.sub(r"<[^>]+>", " ", text))
        text = " ".join(text.split())
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    found = " ".join(lines[:2]) if lines else "(no message)"
    return found[:300]


def _credentials(url: str) -> tuple[str, str | None]:
    """The URL without user:password, and the Basic Authorization header they make."""
    parts = urlsplit(url)
    if parts.username is None:
        return url, None
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    token = base64.b64encode(f"{parts.username}:{parts.password or ''}".encode()).decode()
    return urlunsplit(parts._replace(netloc=host)), f"Basic {token}"
