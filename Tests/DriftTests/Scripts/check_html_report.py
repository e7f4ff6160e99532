#!/usr/bin/env python3
"""Checks an HTML drift report the way a reader sees it: in a real headless browser.

Usage: check_html_report.py REPORT.html --drifted ID[,ID...] --down ID[,ID...] --png OUT.png

--drifted and --down take diagram element ids (`site:tokyo-hq`, `connection:azure`); an empty
string means "expect none". Chromium (`chromium` or `chromium-browser` on PATH) loads the
report three times, each within 60 s, with every network request sent to a closed port, so
what it shows is what an offline reader sees:
- `--dump-dom`: the DOM the browser built is read with html.parser. It must hold
  `<svg id="topology">` with `data-element` groups, each with class `element` and one state
  class; exactly the given ids are `drifted` (with a `DRIFT` mark) or `down` (with `DOWN`); the
  page loads no script and nothing from elsewhere.
- `--screenshot` (1400x1200): the PNG is decoded here (zlib and the five filter types) and
  its pixels counted: not blank, the drift red (#d62728) on screen when something drifted, the
  down orange (#ff7f0e) when something is down, neither when nothing is.
- a second screenshot, of a copy with everything but the diagram hidden (OUT.diagram.png):
  each colour is there exactly when some element has its state, so the findings table's own
  red text cannot pass for the diagram's marks.

Prints one line per check and `ok`; exits 1 with the failed check. Without a browser it prints
`skip: no chromium` and exits 0, unless RECONCILE_REQUIRE_BROWSER=1.
Python 3 standard library only.
"""
import argparse
import collections
import html.parser
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import zlib

DRIFT_RED = (0xD6, 0x27, 0x28)
DOWN_ORANGE = (0xFF, 0x7F, 0x0E)
NEAR = 40  # per-channel absolute differences, summed
MIN_MARKED = 40  # pixels of a colour that must be on screen when something is marked
MAX_UNMARKED = 10  # pixels of it tolerated when nothing is
STATES = ("ok", "drifted", "down", "pending")
MARK_FOR = {"drifted": "DRIFT", "down": "DOWN"}
BROWSER_TIMEOUT = 60
WINDOW = (1400, 1200)


class CheckFailed(Exception):
    pass


def fail(message):
    raise CheckFailed(message)


def check(message):
    print(message, flush=True)


# --- the browser ---------------------------------------------------------------------------


def find_browser():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run_browser(browser, extra_args, url):
    """Runs the browser once and returns its stdout; tries `--headless`, then `--headless=new`."""
    attempts = []
    for headless in ("--headless", "--headless=new"):
        with tempfile.TemporaryDirectory(prefix="check-html-report-chromium-", ignore_cleanup_errors=True) as profile:
            env = dict(os.environ)
            env["XDG_CONFIG_HOME"] = os.path.join(profile, "config")
            env["XDG_CACHE_HOME"] = os.path.join(profile, "cache")
            command = [
                browser, headless, "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                "--disable-dev-shm-usage", "--no-first-run", "--no-default-browser-check",
                "--disable-extensions", "--disable-background-networking", "--disable-sync",
                # Every request that is not the file itself goes to a closed port: the report must
                # be readable offline, and a test must not reach the network.
                "--proxy-server=http://127.0.0.1:9", "--proxy-bypass-list=<-loopback>",
                f"--user-data-dir={profile}",
            ] + extra_args + [url]
            process = subprocess.Popen(
                command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                env=env, start_new_session=True,
            )
            try:
                out, err = process.communicate(timeout=BROWSER_TIMEOUT)
            except subprocess.TimeoutExpired:
                # The browser's own helpers share its process group (it leads a new session).
                try:
                    os.killpg(process.pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass
                process.communicate()
                fail(f"{os.path.basename(browser)} {headless} did not finish within {BROWSER_TIMEOUT} s")
            if process.returncode == 0 and (out.strip() or "--dump-dom" not in extra_args):
                return out
            attempts.append((headless, process.returncode, err))
    details = []
    for headless, code, err in attempts:
        # Chromium is noisy on stderr (D-Bus, GPU); keep the lines that are not.
        lines = [
            line for line in err.decode("utf-8", "replace").splitlines()
            if line.strip() and "dbus" not in line.lower() and "gpu" not in line.lower()
        ]
        details.append(f"  {headless}: exit {code}" + "".join(f"\n    {line}" for line in lines[-5:]))
    fail(f"{os.path.basename(browser)} failed ({' '.join(extra_args)}):\n" + "\n".join(details))


# --- the DOM -------------------------------------------------------------------------------

VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
    "track", "wbr",
}
# Elements and attributes through which a page loads something.
LOADING_ATTRIBUTES = {"src", "srcset", "data", "poster", "background"}
LOADING_HREF = {"link", "image", "use", "feimage", "script", "iframe", "object", "embed"}
FORBIDDEN = {"script", "iframe", "object", "embed", "frame", "applet"}


class Element:
    def __init__(self, tag, attrs, parent):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.text = []


class DiagramParser(html.parser.HTMLParser):
    """Builds just enough of the tree: the topology svg, its data-element groups, their marks."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack = []
        self.topology = []  # <svg id=topology> elements seen
        self.groups = []  # (id, classes) per data-element group inside the topology
        self.marks = collections.defaultdict(list)  # group index -> texts of its text.mark
        self.outside_marks = []  # text.mark outside any data-element group
        self.external = []  # what the page would load from elsewhere
        self.styles = []  # CSS text
        self._open_marks = []  # (Element, group index or None)
        self._group_of = {}  # id(Element) -> group index

    def handle_starttag(self, tag, attrs):
        attributes = {name.lower(): (value or "") for name, value in attrs}
        parent = self.stack[-1] if self.stack else None
        element = Element(tag, attributes, parent)
        self._inspect(element)
        if tag not in VOID:
            self.stack.append(element)
        if "style" in attributes:
            self.styles.append(attributes["style"])

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.handle_endtag(tag)

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, -1, -1):
            if self.stack[depth].tag == tag:
                for element in self.stack[depth:]:
                    self._close(element)
                del self.stack[depth:]
                return

    def handle_data(self, data):
        if self.stack:
            for element, _ in self._open_marks:
                element.text.append(data)
            if self.stack[-1].tag == "style":
                self.styles.append(data)

    def _inside_topology(self, element):
        node = element.parent
        while node is not None:
            if node.tag == "svg" and node.attrs.get("id") == "topology":
                return True
            node = node.parent
        return False

    def _enclosing_group(self, element):
        node = element.parent
        while node is not None:
            if id(node) in self._group_of:
                return self._group_of[id(node)]
            node = node.parent
        return None

    def _inspect(self, element):
        tag, attrs = element.tag, element.attrs
        if tag == "svg" and attrs.get("id") == "topology":
            self.topology.append(element)
        if tag in FORBIDDEN:
            self.external.append(f"<{tag}> element")
        for name, value in attrs.items():
            target = value.strip()
            loads = name in LOADING_ATTRIBUTES or (
                name in ("href", "xlink:href") and tag in LOADING_HREF
            )
            if loads and target and not target.startswith(("#", "data:")):
                self.external.append(f"<{tag} {name}=\"{target}\">")
            if name.startswith("on"):
                self.external.append(f"<{tag} {name}=…> (a script)")
        if not self._inside_topology(element):
            if tag == "text" and "mark" in attrs.get("class", "").split():
                self.outside_marks.append(element)
                self._open_marks.append((element, None))
            return
        if tag == "g" and "data-element" in attrs:
            self._group_of[id(element)] = len(self.groups)
            self.groups.append((attrs["data-element"], attrs.get("class", "").split()))
        if tag == "text" and "mark" in attrs.get("class", "").split():
            group = self._enclosing_group(element)
            if group is None:
                self.outside_marks.append(element)
            self._open_marks.append((element, group))

    def _close(self, element):
        for index, (mark, group) in enumerate(self._open_marks):
            if mark is element:
                del self._open_marks[index]
                text = " ".join("".join(mark.text).split())
                if group is not None:
                    self.marks[group].append(text)
                return


def check_dom(dom, drifted, down):
    parser = DiagramParser()
    parser.feed(dom)
    parser.close()

    if not parser.topology:
        fail('dom: no <svg id="topology"> in the page the browser built')
    if len(parser.topology) > 1:
        fail(f'dom: {len(parser.topology)} elements have id "topology"; ids must be unique')
    if not parser.groups:
        fail('dom: <svg id="topology"> has no <g data-element="KIND:NAME"> group')
    check(f"dom: svg#topology has {len(parser.groups)} data-element groups")

    states = {}
    for index, (element_id, classes) in enumerate(parser.groups):
        # The internet, where paths that leave end, is the one element that is not KIND:NAME.
        if element_id != "internet" and (
            ":" not in element_id or not element_id.split(":", 1)[0] or not element_id.split(":", 1)[1]
        ):
            fail(f'dom: data-element="{element_id}" is not KIND:NAME')
        if "element" not in classes:
            fail(f'dom: {element_id} has class "{" ".join(classes)}", without "element"')
        found = [state for state in STATES if state in classes]
        if len(found) != 1:
            fail(
                f'dom: {element_id} has class "{" ".join(classes)}": it needs exactly one of '
                f'{", ".join(STATES)}, has {len(found)}'
            )
        state = found[0]
        marks = parser.marks.get(index, [])
        states.setdefault(element_id, []).append((state, marks))
    duplicated = sorted(element_id for element_id, seen in states.items() if len(seen) > 1)
    check(
        "dom: every group has class element and one state"
        + (f" ({', '.join(duplicated)} drawn more than once)" if duplicated else "")
    )

    for wanted_state, ids in (("drifted", drifted), ("down", down)):
        mark = MARK_FOR[wanted_state]
        for element_id in ids:
            if element_id not in states:
                known = ", ".join(sorted(states))
                fail(f"dom: {element_id} is not in the diagram (it has: {known})")
            for state, marks in states[element_id]:
                if state != wanted_state:
                    fail(f"dom: {element_id} should be {wanted_state}, is {state}")
                if mark not in marks:
                    shown = ", ".join(f'"{m}"' for m in marks) or "none"
                    fail(
                        f'dom: {element_id} is {wanted_state} without a <text class="mark">{mark}</text> '
                        f"(marks: {shown})"
                    )
            check(f"dom: {element_id} is {wanted_state}, marked {mark}")

    expected = {element_id: "drifted" for element_id in drifted}
    expected.update({element_id: "down" for element_id in down})
    for element_id, seen in sorted(states.items()):
        for state, marks in seen:
            if state in MARK_FOR and expected.get(element_id) != state:
                fail(f"dom: {element_id} is {state}, but {describe(drifted, down)} should be drifted or down")
            for text in marks:
                if text in MARK_FOR.values() and MARK_FOR.get(state) != text:
                    fail(f'dom: {element_id} is {state} but carries a "{text}" mark')
    stray = [" ".join("".join(element.text).split()) for element in parser.outside_marks]
    stray = [text for text in stray if text in MARK_FOR.values()]
    if stray:
        fail(f'dom: {len(stray)} "{stray[0]}" mark(s) outside the diagram\'s data-element groups')
    counts = collections.Counter(seen[0][0] for seen in states.values())
    check(
        "dom: no other element is drifted or down ("
        + ", ".join(f"{counts[state]} {state}" for state in STATES if counts[state])
        + ")"
    )

    for css in parser.styles:
        lowered = css.lower()
        if "@import" in lowered:
            parser.external.append("CSS @import")
        start = 0
        while True:
            at = lowered.find("url(", start)
            if at < 0:
                break
            target = lowered[at + 4:].lstrip(" '\"")
            if not target.startswith(("#", "data:")):
                parser.external.append("CSS " + css[at:at + 60].split(")")[0] + ")")
            start = at + 4
    if parser.external:
        fail("dom: the page is not self-contained: " + "; ".join(parser.external[:5]))
    check("dom: self-contained (no script, nothing loaded from elsewhere)")


def describe(drifted, down):
    names = [*drifted, *down]
    return "only " + ", ".join(names) if names else "nothing"


# --- the PNG -------------------------------------------------------------------------------


def decode_png(path):
    """Returns (width, height, channels, rows): rows are bytes, `channels` bytes per pixel."""
    try:
        with open(path, "rb") as file:
            data = file.read()
    except OSError as error:
        fail(f"png: cannot read {path}: {error.strerror}")
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        fail(f"png: {path} is not a PNG (bad signature)")
    position, header, compressed = 8, None, []
    while position < len(data):
        if position + 8 > len(data):
            fail("png: truncated chunk header")
        length, kind = struct.unpack(">I4s", data[position:position + 8])
        body = data[position + 8:position + 8 + length]
        crc = data[position + 8 + length:position + 12 + length]
        if len(body) != length or len(crc) != 4:
            fail(f"png: truncated {kind.decode('latin-1')} chunk")
        if zlib.crc32(kind + body) != struct.unpack(">I", crc)[0]:
            fail(f"png: bad CRC in a {kind.decode('latin-1')} chunk")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            compressed.append(body)
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None:
        fail("png: no IHDR chunk")
    width, height, depth, colour, method, filtering, interlace = header
    if depth != 8 or colour not in (2, 6):
        fail(
            f"png: bit depth {depth}, colour type {colour}: only 8-bit RGB (2) and RGBA (6) are decoded"
        )
    if method != 0 or filtering != 0:
        fail(f"png: compression method {method}, filter method {filtering}: unknown")
    if interlace != 0:
        fail("png: interlaced (Adam7) images are not decoded")
    if not compressed:
        fail("png: no IDAT chunk")
    try:
        raw = zlib.decompress(b"".join(compressed))
    except zlib.error as error:
        fail(f"png: the image data does not decompress: {error}")
    channels = 3 if colour == 2 else 4
    stride = width * channels
    if len(raw) != height * (stride + 1):
        fail(f"png: {len(raw)} bytes of image data, expected {height * (stride + 1)} for {width}x{height}")
    return width, height, channels, unfilter(raw, width, height, channels)


def unfilter(raw, width, height, bpp):
    stride = width * bpp
    low = int.from_bytes(b"\x7f" * stride, "big")
    high = int.from_bytes(b"\x80" * stride, "big")
    prior = bytes(stride)
    rows = []
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = raw[start + 1:start + 1 + stride]
        if kind == 0:  # None
            row = line
        elif kind == 1:  # Sub: a running sum per channel, modulo 256
            row = bytearray(stride)
            for channel in range(bpp):
                total = 0
                for x in range(channel, stride, bpp):
                    total = (total + line[x]) & 0xFF
                    row[x] = total
            row = bytes(row)
        elif kind == 2:  # Up: bytewise addition without carries between bytes
            a = int.from_bytes(line, "big")
            b = int.from_bytes(prior, "big")
            row = (((a & low) + (b & low)) ^ ((a ^ b) & high)).to_bytes(stride, "big")
        elif kind == 3:  # Average
            row = bytearray(stride)
            for x in range(stride):
                left = row[x - bpp] if x >= bpp else 0
                row[x] = (line[x] + ((left + prior[x]) >> 1)) & 0xFF
            row = bytes(row)
        elif kind == 4:  # Paeth
            row = bytearray(stride)
            for x in range(stride):
                if x >= bpp:
                    a, c = row[x - bpp], prior[x - bpp]
                else:
                    a = c = 0
                b = prior[x]
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                if pa <= pb and pa <= pc:
                    predictor = a
                elif pb <= pc:
                    predictor = b
                else:
                    predictor = c
                row[x] = (line[x] + predictor) & 0xFF
            row = bytes(row)
        else:
            fail(f"png: row {y} has filter type {kind} (only 0-4 exist)")
        rows.append(row)
        prior = row
    return rows


def colour_histogram(rows, channels):
    """Counts each colour, composited over white when the image has alpha."""
    counts = collections.Counter()
    for row in rows:
        counts.update(zip(*(row[channel::channels] for channel in range(channels))))
    if channels == 3:
        return counts
    flattened = collections.Counter()
    for (r, g, b, a), n in counts.items():
        flattened[tuple((value * a + 255 * (255 - a) + 127) // 255 for value in (r, g, b))] += n
    return flattened


def near(histogram, target):
    return sum(
        n for colour, n in histogram.items()
        if sum(abs(value - wanted) for value, wanted in zip(colour, target)) <= NEAR
    )


def check_png(path, drifted, down, diagram_only=False):
    """The page's screenshot: not blank; red when something drifted, orange when something is
    down, neither when nothing is. The diagram's own screenshot (everything else hidden): each
    colour exactly when something has that state, so red text in the findings table cannot
    stand in for a diagram that lost its marks."""
    what = "png (diagram only)" if diagram_only else "png"
    width, height, channels, rows = decode_png(path)
    histogram = colour_histogram(rows, channels)
    check(f"{what}: {width}x{height} {'RGB' if channels == 3 else 'RGBA'}, {len(histogram)} distinct colours")
    if len(histogram) <= 1:
        fail(f"{what}: the screenshot is blank (one colour)")
    for name, target, marked in (("drift red #d62728", DRIFT_RED, drifted), ("down orange #ff7f0e", DOWN_ORANGE, down)):
        count = near(histogram, target)
        if marked:
            if count < MIN_MARKED:
                fail(f"{what}: {count} pixels near {name}; {', '.join(marked)} should show it (at least {MIN_MARKED})")
            check(f"{what}: {count} pixels near {name} (at least {MIN_MARKED})")
        elif diagram_only or (not drifted and not down):
            if count >= MAX_UNMARKED:
                reason = "nothing in the diagram has that state" if diagram_only else "nothing is drifted or down"
                fail(f"{what}: {count} pixels near {name}, but {reason} (fewer than {MAX_UNMARKED} allowed)")
            check(f"{what}: {count} pixels near {name} (fewer than {MAX_UNMARKED})")


# Appended to a copy of the report for the second screenshot: the layout stays, only the
# diagram is painted.
DIAGRAM_ONLY_CSS = (
    "<style>body * { visibility: hidden !important; } "
    "#topology, #topology * { visibility: visible !important; }</style>"
)


def diagram_only_copy(report, directory):
    with open(report, "rb") as file:
        page = file.read().decode("utf-8", "replace")
    at = page.lower().rfind("</head>")
    at = at if at >= 0 else 0
    path = os.path.join(directory, "diagram-only.html")
    with open(path, "w", encoding="utf-8") as file:
        file.write(page[:at] + DIAGRAM_ONLY_CSS + page[at:])
    return path


# --- main ----------------------------------------------------------------------------------


def id_list(value):
    return [item.strip() for item in value.split(",") if item.strip()]


def main():
    arguments = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    arguments.add_argument("report", help="the HTML report")
    arguments.add_argument("--drifted", type=id_list, required=True, help="ids expected drifted (\"\" for none)")
    arguments.add_argument("--down", type=id_list, required=True, help="ids expected down (\"\" for none)")
    arguments.add_argument("--png", required=True, help="where to write the screenshot")
    options = arguments.parse_args()

    try:
        both = sorted(set(options.drifted) & set(options.down))
        if both:
            fail(f"usage: {', '.join(both)} cannot be expected both drifted and down")
        browser = find_browser()
        if browser is None:
            if os.environ.get("RECONCILE_REQUIRE_BROWSER") == "1":
                fail("no chromium or chromium-browser on PATH, and RECONCILE_REQUIRE_BROWSER=1")
            print("skip: no chromium", flush=True)
            return 0
        report = os.path.abspath(options.report)
        if not os.path.isfile(report):
            fail(f"{options.report}: no such file")
        url = "file://" + report
        check(f"browser: {browser}")

        dom = run_browser(browser, ["--dump-dom"], url).decode("utf-8", "replace")
        check_dom(dom, options.drifted, options.down)

        png = os.path.abspath(options.png)
        if os.path.exists(png):
            os.remove(png)
        run_browser(browser, [f"--screenshot={png}", f"--window-size={WINDOW[0]},{WINDOW[1]}"], url)
        if not os.path.isfile(png):
            fail(f"png: the browser wrote no screenshot at {png}")
        check_png(png, options.drifted, options.down)

        with tempfile.TemporaryDirectory(prefix="check-html-report-") as directory:
            copy = diagram_only_copy(report, directory)
            shot = os.path.splitext(png)[0] + ".diagram.png"
            if os.path.exists(shot):
                os.remove(shot)
            run_browser(browser, [f"--screenshot={shot}", f"--window-size={WINDOW[0]},{WINDOW[1]}"], "file://" + copy)
            if not os.path.isfile(shot):
                fail(f"png: the browser wrote no screenshot at {shot}")
        check_png(shot, options.drifted, options.down, diagram_only=True)
    except CheckFailed as failure:
        print(f"FAIL: {failure}", file=sys.stderr, flush=True)
        return 1
    print("ok", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
