#!/usr/bin/env bash
# Renders a DriftTune report in headless Chromium (Debian's `chromium`) and fails on a JavaScript
# error, a page without charts, or a chart with nothing drawn; saves a screenshot of what a reviewer
# sees first.
#
#   scripts/report-check.sh results/network-diagnosis            # or a path to report.html
#   scripts/report-check.sh results/quickstart shot.png 1280x2400 # screenshot path and window size
#
# Every chart of report.html is an <svg class="chart"> whose plotted marks have class "data"; a
# chart without data is written as <p class="empty-chart">. The check runs a copy of the page with
# a probe script (the report itself has none): an error listener first, then a pass over the charts.
# Writes only in a temporary folder (Chromium profile included) and the screenshot path.
set -euo pipefail

target=${1:?usage: scripts/report-check.sh RESULTS_DIR|REPORT.html [SCREENSHOT.png] [WIDTHxHEIGHT]}
report=$target
[ -d "$target" ] && report="$target/report.html"
[ -f "$report" ] || { echo "report-check: $report: no such file" >&2; exit 2; }
report=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
shot=${2:-$(dirname "$report")/report-screenshot.png}
size=${3:-1280x1800}

browser=""
for b in chromium chromium-browser google-chrome; do
    if command -v "$b" >/dev/null 2>&1; then browser=$b; break; fi
done
if [ -z "$browser" ]; then
    echo "report-check: no chromium found; install it with: apt-get update && apt-get install -y chromium" >&2
    exit 2
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/report-check.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
flags=(--headless --no-sandbox --disable-gpu --no-first-run --no-default-browser-check --hide-scrollbars
       --user-data-dir="$tmp/profile" --disable-extensions --disable-background-networking)

python3 - "$report" "$tmp/probe.html" <<'PY'
import sys
html = open(sys.argv[1], encoding="utf-8").read()
first = "<script>window.__errors=[];window.addEventListener('error',function(e){window.__errors.push(String(e.message))});</script>"
probe = r"""<script>(function(){
var out=[], warn=[];
var charts=Array.prototype.slice.call(document.querySelectorAll('svg.chart'));
if(!charts.length) out.push('no charts on the page');
charts.forEach(function(c){
  var name=c.getAttribute('data-chart')||'(unnamed)';
  var r=c.getBoundingClientRect();
  if(r.width<10||r.height<10) out.push('chart not laid out: '+name);
  var marks=c.querySelectorAll('.data'), drawn=0;
  for(var i=0;i<marks.length;i++){var b=marks[i].getBBox(); if(b.width>0||b.height>0) drawn++;}
  if(!marks.length) out.push('empty chart: '+name);
  else if(!drawn) out.push('nothing drawn in chart: '+name);
  c.querySelectorAll('polyline.data').forEach(function(p){ if(p.points.numberOfItems<2) warn.push('a line of one point in '+name+': '+p.textContent); });
});
document.querySelectorAll('.empty-chart').forEach(function(e){ out.push('chart without data: '+e.textContent); });
(window.__errors||[]).forEach(function(e){ out.push('javascript error: '+e); });
var pre=document.createElement('pre'); pre.id='report-check';
pre.textContent='REPORT-CHECK charts='+charts.length+' failures='+out.length+'\n'+out.map(function(x){return 'FAIL '+x;}).concat(warn.map(function(x){return 'WARN '+x;})).join('\n')+'\nREPORT-CHECK-END';
document.body.appendChild(pre);
})();</script>"""
head = html.find("<head>")
html = html[:head + 6] + first + html[head + 6:] if head >= 0 else first + html
end = html.rfind("</body>")
html = html[:end] + probe + html[end:] if end >= 0 else html + probe
open(sys.argv[2], "w", encoding="utf-8").write(html)
PY

"$browser" "${flags[@]}" --enable-logging=stderr --v=0 --virtual-time-budget=5000 --dump-dom "file://$tmp/probe.html" \
    >"$tmp/dom.html" 2>"$tmp/console.log" || true
verdict=$(python3 - "$tmp/dom.html" <<'PY'
import html, re, sys
dom = open(sys.argv[1], encoding="utf-8", errors="replace").read()
m = re.search(r"REPORT-CHECK (charts=\d+ failures=\d+)\n(.*?)REPORT-CHECK-END", dom, re.S)
print(html.unescape(m.group(1) + "\n" + m.group(2)).strip() if m else "FAIL the probe did not run (no REPORT-CHECK in the rendered page)")
PY
)
status=0
echo "$verdict"
if grep -q '^FAIL' <<<"$verdict"; then status=1; fi
if grep -E 'Uncaught|SyntaxError' "$tmp/console.log" >/dev/null; then
    echo "FAIL javascript error in the console:"; grep -E 'Uncaught|SyntaxError' "$tmp/console.log" | head -5
    status=1
fi

"$browser" "${flags[@]}" --window-size="${size/x/,}" --screenshot="$shot" "file://$report" >/dev/null 2>"$tmp/shot.log" || true
if [ ! -s "$shot" ]; then
    echo "FAIL no screenshot written ($shot)"; tail -3 "$tmp/shot.log"; status=1
else
    echo "screenshot: $shot ($size)"
fi
[ $status -eq 0 ] && echo "report-check: OK ($report)" || echo "report-check: FAILED ($report)"
exit $status
