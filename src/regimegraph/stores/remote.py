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
- A build must be atomic. The quads go into staging graphs first, in many
  requests; then one SPARQL Update request drops the live graphs and moves the
  staging graphs over them, manifest included. The staging graphs are loaded
  through the server's SPARQL 1.1 Graph Store HTTP Protocol endpoint (POSTs of
  N-Triples, which Virtuoso takes 7 times faster than INSERT DATA and the
  Oxigraph server 1.3 to 3 times: INSERT DATA must be parsed as SPARQL and,
  by Virtuoso, compiled to SQL), found from the server's name or given as
  #gsp=URL; INSERT DATA is the fallback for a server without one.
  A client killed while loading leaves only staging graphs (removed by the
  next build), never a half-loaded knowledge base. The Oxigraph server runs
  the switch in one transaction; Virtuoso runs it to the end but not in
  isolation (docs/stores.md).
- A server that cannot be reached raises StoreUnavailable (503 at the endpoint);
  nothing is cached but the graph list, so service resumes when the server does.
"""

from __future__ import annotations

import base64
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterable, Sequence
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import pyoxigraph as ox

from ..namespaces import GRAPH
from ..readonly import _TOKEN
from .base import GraphName, Result, StoreRefused, StoreUnavailable, triples_result
from .spec import GSP_NONE, StoreSpec, without_password

MERGED = str(GRAPH["store/merged"])
MANIFEST = str(GRAPH["store/manifest"])
STAGING = str(GRAPH["store/staging/"])
INFO = str(GRAPH["store/info"])
MEMBER = str(GRAPH["store/graph"])
CHUNK = 2_000  # triples per INSERT DATA request, at first
GSP_CHUNK = 100_000  # triples per Graph Store POST (about 20 MB of N-Triples), at first
MIN_GSP_CHUNK = 1_000  # a POST refused as too large (413, a proxy's limit) is split down to this
# A Graph Store endpoint answering these is absent or cannot take N-Triples: use INSERT DATA.
GSP_ABSENT = (404, 405, 415, 501)
# An endpoint found from the server's name (not given) may also be closed to this user.
GSP_CLOSED = (401, 403)
MIN_CHUNK = 100
PAGE = 10_000  # rows per page when reading quads (Virtuoso's ResultSetMaxRows by default)
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
    for match in _TOKEN.finditer(text):
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
            return triples_result(_canonical_triple(q.triple) for q in ox.parse(body, fmt))
        results_format = (ox.QueryResultsFormat.XML if media.endswith("xml")
                          else ox.QueryResultsFormat.JSON)
        try:
            if results_format is ox.QueryResultsFormat.JSON:
                body = _canonical_json(body)
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
        through the Graph Store endpoint where there is one, and otherwise a
        sorted page at a time; Virtuoso sorts at most 10,000 rows for a page
        (error SR353), and its result limit could cut an unsorted answer short
        without saying so, hence the count.
        """
        out: list[ox.Quad] = []
        for name in self.graphs() or []:
            graph = ox.NamedNode(name)
            count = int(self._select(
                f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}"
            )[0]["n"].value)
            triples = (self._whole_graph(name) if count > PAGE else None) or self._paged(name)
            if len(triples) != count:
                raise StoreRefused(
                    f"{self.spec.describe()} gave {len(triples):,} triples of graph <{name}>, "
                    f"which holds {count:,}: raise the server's result limits "
                    "(Virtuoso: ResultSetMaxRows and MaxSortedTopRows) or give #gsp=URL")
            out += [ox.Quad(t.subject, t.predicate, t.object, graph) for t in triples]
        return out

    def _whole_graph(self, name: str) -> list[ox.Triple] | None:
        """A graph read in one Graph Store GET, or None when there is no endpoint to ask."""
        url, _how = self.graph_store_url()
        if not url:
            return None
        address, auth = _credentials(url)
        try:
            media, body = self._get(_with_graph(address, name), auth, "application/n-triples")
        except _HttpRefused:
            return None
        fmt = _RDF_TYPES.get(media, ox.RdfFormat.N_TRIPLES)
        return [_canonical_triple(t.triple) for t in ox.parse(body, fmt)]

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
        """Run one SPARQL Update request on the update endpoint."""
        self._post(self.update_url, self._update_auth, [("update", text)], "*/*")

    def load(self, quads: Sequence[ox.Quad], info: dict[str, Any],
             progress: Any = None) -> None:
        """Replace the build in the store by these quads, atomically (see the module doc)."""
        say = progress or (lambda _m: None)
        old = self.graphs(fresh=True) or []
        self._drop_staging()
        by_graph: dict[str, list[ox.Triple]] = {}
        for quad in quads:
            if isinstance(quad.graph_name, ox.NamedNode):
                by_graph.setdefault(quad.graph_name.value, []).append(quad.triple)
        names = sorted(by_graph)
        merged = list(dict.fromkeys(t for n in names for t in by_graph[n]))
        manifest = [ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(INFO),
                              ox.Literal(json.dumps(info, sort_keys=True)))]
        manifest += [ox.Triple(ox.NamedNode(MANIFEST), ox.NamedNode(MEMBER), ox.NamedNode(n))
                     for n in names]
        targets = [*names, MERGED, MANIFEST]
        contents = [*(by_graph[n] for n in names), merged, manifest]
        staging = {target: f"{STAGING}{index}" for index, target in enumerate(targets)}
        total = sum(len(c) for c in contents)
        url, how = self.graph_store_url()
        self._gsp = (*_credentials(url),) if url else None
        say(f"loading {total:,} triples into staging graphs of {self.spec.describe()} {how}")
        for target, triples in zip(targets, contents, strict=True):
            self._stage(staging[target], triples, say)
        self._switch(sorted({*old, *targets}),
                     [(staging[t], t) for t, c in zip(targets, contents, strict=True) if c])
        self._graphs = None

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
        product = self.server.split("/", 1)[0].strip().lower()
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

    def _stage(self, graph: str, triples: Sequence[ox.Triple], say: Any) -> None:
        """Add the triples to one staging graph: by Graph Store POSTs, or INSERT DATA.

        An endpoint that is not there (404, 405, 415, 501; or 401, 403 for one
        not given but found) turns loading over to INSERT DATA for the rest of
        the build; POSTs that went through are harmless, as a graph is a set. A
        POST too large for the server or a proxy before it (413) is split.
        """
        if self._gsp is not None:
            url, auth = self._gsp
            target = _with_graph(url, graph)
            start = 0
            try:
                while start < len(triples):
                    size = self._gsp_chunk
                    body = ox.serialize(triples[start : start + size],
                                        format=ox.RdfFormat.N_TRIPLES) or b""
                    try:
                        self._send(target, auth, body, "application/n-triples", "*/*")
                    except _HttpRefused as error:
                        if error.status != 413 or size <= MIN_GSP_CHUNK:
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
        self._insert(graph, triples)

    def _switch(self, drop: list[str], moves: list[tuple[str, str]]) -> None:
        """The one request that makes the staged build live: drop, then move each graph."""
        swap = [f"DROP SILENT GRAPH <{g}>" for g in drop]
        swap += [f"MOVE SILENT GRAPH <{source}> TO GRAPH <{target}>" for source, target in moves]
        self.update(" ;\n".join(swap))

    def _insert(self, graph: str, triples: Sequence[ox.Triple]) -> None:
        """INSERT DATA in chunks; a chunk the server finds too long is split and sent again.

        Virtuoso compiles an INSERT DATA into SQL and refuses one whose SQL passes
        10,000 lines (error SP031), about 1,500 triples; other servers take any size.
        """
        size = self._chunk
        start = 0
        while start < len(triples):
            try:
                self.update(_insert_data(graph, triples[start : start + size]))
            except StoreRefused:
                if size <= MIN_CHUNK:
                    raise
                size = self._chunk = max(MIN_CHUNK, size // 4)
                continue
            start += size

    def _drop_staging(self) -> None:
        rows = self._select(
            f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f'FILTER(STRSTARTS(STR(?g), "{STAGING}")) }}')
        if rows:
            self.update(" ;\n".join(f"DROP SILENT GRAPH <{r['g'].value}>" for r in rows))

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
_BOOLEANS = {"1": "true", "0": "false"}


def _canonical_json(body: bytes) -> bytes:
    """SPARQL JSON results with booleans in canonical form.

    Virtuoso stores "true"^^xsd:boolean as 1 and answers "1"^^xsd:boolean: the
    same value, but not the lexical form every other store (and the data) uses.
    """
    if XSD_BOOLEAN.encode() not in body:
        return body
    document = json.loads(body)
    for row in document.get("results", {}).get("bindings", []):
        for value in row.values():
            if value.get("datatype") == XSD_BOOLEAN and value.get("value") in _BOOLEANS:
                value["value"] = _BOOLEANS[value["value"]]
    return json.dumps(document).encode()


def _canonical_triple(triple: ox.Triple) -> ox.Triple:
    literal = triple.object
    if (isinstance(literal, ox.Literal) and literal.datatype.value == XSD_BOOLEAN
            and literal.value in _BOOLEANS):
        return ox.Triple(triple.subject, triple.predicate,
                         ox.Literal(_BOOLEANS[literal.value], datatype=literal.datatype))
    return triple


def _insert_data(graph: str, triples: Iterable[ox.Triple]) -> str:
    lines = "\n".join(f"{t.subject} {t.predicate} {t.object} ." for t in triples)
    return f"INSERT DATA {{ GRAPH <{graph}> {{\n{lines}\n}} }}"


def _with_graph(url: str, graph: str) -> str:
    """A Graph Store URL naming its target graph (?graph=IRI), after any query it has."""
    parts = urlsplit(url)
    query = "&".join(q for q in (parts.query, urlencode({"graph": graph})) if q)
    return urlunsplit(parts._replace(query=query))


def _first_line(body: bytes) -> str:
    text = body.decode("utf-8", "replace").strip()
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
