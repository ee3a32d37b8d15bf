package report

import (
	"fmt"
	"html/template"
	"strings"
	"sync"
)

// diff renders a and b word by word with what differs marked: words only
// in a as <del>, only in b as <ins>. It reads the first 400 words of each.
func diff(a, b string) (template.HTML, template.HTML) {
	wa, wb := strings.Fields(a), strings.Fields(b)
	const limit = 400
	ta, tb := len(wa) > limit, len(wb) > limit
	wa, wb = wa[:min(len(wa), limit)], wb[:min(len(wb), limit)]
	// LCS table, from the ends.
	l := make([][]int32, len(wa)+1)
	for i := range l {
		l[i] = make([]int32, len(wb)+1)
	}
	for i := len(wa) - 1; i >= 0; i-- {
		for j := len(wb) - 1; j >= 0; j-- {
			if wa[i] == wb[j] {
				l[i][j] = l[i+1][j+1] + 1
			} else {
				l[i][j] = max(l[i+1][j], l[i][j+1])
			}
		}
	}
	var oa, ob strings.Builder
	i, j := 0, 0
	for i < len(wa) || j < len(wb) {
		switch {
		case i < len(wa) && j < len(wb) && wa[i] == wb[j]:
			oa.WriteString(template.HTMLEscapeString(wa[i]) + " ")
			ob.WriteString(template.HTMLEscapeString(wb[j]) + " ")
			i, j = i+1, j+1
		case j < len(wb) && (i == len(wa) || l[i][j+1] >= l[i+1][j]):
			ob.WriteString("<ins>" + template.HTMLEscapeString(wb[j]) + "</ins> ")
			j++
		default:
			oa.WriteString("<del>" + template.HTMLEscapeString(wa[i]) + "</del> ")
			i++
		}
	}
	if ta {
		oa.WriteString("…")
	}
	if tb {
		ob.WriteString("…")
	}
	return template.HTML(oa.String()), template.HTML(ob.String())
}

var funcs = template.FuncMap{
	"num":  func(n int64) string { return num(n) },
	"size": func(n int64) string { return size(n) },
	"pct":  func(a, b int64) string { return fmt.Sprintf("%.1f%%", pct(a, b)) },
	"px":   func(w float64, full float64) string { return fmt.Sprintf("%.1f", max(w*full, 0)) },
	"f2":   func(f float64) string { return fmt.Sprintf("%.2f", f) },
	"mul":  func(a, b float64) float64 { return a * b },
	"addf": func(a, b float64) float64 { return a + b },
	"barx": func(i int, n int, full float64) string {
		return fmt.Sprintf("%.1f", float64(i)*full/float64(max(n, 1)))
	},
	"barw": func(n int, full float64) string { return fmt.Sprintf("%.1f", full/float64(max(n, 1))/2-1) },
	"half": func(i int, n int, full float64) string {
		return fmt.Sprintf("%.1f", float64(i)*full/float64(max(n, 1))+full/float64(max(n, 1))/2)
	},
	"y":    func(h float64, full float64) string { return fmt.Sprintf("%.1f", full-h*full) },
	"h":    func(h float64, full float64) string { return fmt.Sprintf("%.1f", h*full) },
	"diff": func(a, b string) []template.HTML { x, y := diff(a, b); return []template.HTML{x, y} },
	"mbs":  func(f float64) string { return fmt.Sprintf("%.1f", f) },
	"rows": func(n int) int { return n*22 + 4 },
	"ty":   func(i int) int { return i*22 + 15 },
	"ry":   func(i int) int { return i*22 + 2 },
}

// page is the report's template, parsed on first use: parsing it at start-up
// cost every winnow command (help included) about 2 ms.
var page = sync.OnceValue(func() *template.Template {
	return template.Must(template.New("report").Funcs(funcs).Parse(pageText))
})

const pageText = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>winnow report: {{.Dir}}</title>
<style>
:root { --ink:#1d2433; --muted:#5b6475; --line:#d9dde5; --kept:#2a9d8f; --removed:#e76f51; --rej:#8d99ae; --stage:#457b9d; --io:#a8dadc; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 1100px; padding: 20px 28px 40px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); }
h1 { font-size: 22px; margin: 0 0 2px; } h2 { font-size: 17px; margin: 28px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.kpis { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
.kpi { border: 1px solid var(--line); border-radius: 8px; padding: 8px 14px; min-width: 140px; }
.kpi b { display: block; font-size: 20px; }
svg text { font: 12px system-ui, sans-serif; fill: var(--ink); }
svg .note { fill: var(--muted); }
.in { fill: var(--stage); } .stage { fill: var(--stage); opacity: .75; } .kept { fill: var(--kept); } .removed { fill: var(--removed); } .rejected { fill: var(--rej); } .io { fill: var(--io); }
details { margin: 4px 0 10px 12px; } summary { cursor: pointer; color: var(--muted); }
.example { border-left: 3px solid var(--line); padding: 4px 10px; margin: 6px 0; white-space: pre-wrap; font: 13px/1.45 Georgia, serif; max-height: 260px; overflow: auto; }
mark { background: #ffd166; border-radius: 2px; }
table { border-collapse: collapse; width: 100%; } td, th { text-align: left; padding: 4px 6px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .04em; }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 10px; }
.pair div { font: 12.5px/1.45 Georgia, serif; border: 1px solid var(--line); border-radius: 6px; padding: 6px 8px; max-height: 220px; overflow: auto; }
del { background: #fde2dd; text-decoration: line-through; } ins { background: #d8f3dc; text-decoration: none; }
pre { background: #f7f8fa; border: 1px solid var(--line); border-radius: 6px; padding: 10px; overflow: auto; font-size: 12px; max-height: 420px; }
.legend span { margin-right: 14px; } .sw { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
@media print { details { display: block; } details > * { display: block; } .example, .pair div, pre { max-height: none; } h2 { break-after: avoid; } section { break-inside: avoid-page; } }
</style>
</head>
<body>
<h1>winnow report</h1>
<div class="muted">{{.Dir}} · winnow {{.Version}} · written {{.Generated}}</div>
<div class="kpis">
  <div class="kpi">documents in<b>{{num .Stats.In.Docs}}</b><span class="muted">{{size .Stats.In.Bytes}}</span></div>
  <div class="kpi">kept<b>{{num .Stats.Kept.Docs}}</b><span class="muted">{{pct .Stats.Kept.Docs .Stats.In.Docs}} of documents</span></div>
  <div class="kpi">removed<b>{{num .Stats.Removed.Docs}}</b><span class="muted">{{pct .Stats.Removed.Docs .Stats.In.Docs}}</span></div>
  <div class="kpi">rejected<b>{{num .Stats.Rejected.Docs}}</b><span class="muted">unreadable records</span></div>
  <div class="kpi">wall time<b>{{f2 .Stats.WallSeconds}} s</b><span class="muted">{{mbs .MBps}} MB/s of text, {{.Stats.Workers}} workers</span></div>
</div>

<section id="funnel">
<h2>Funnel</h2>
<svg class="chart" width="100%" viewBox="0 0 1040 {{rows (len .Funnel)}}" role="img" aria-label="documents left after each stage">
{{range $i, $b := .Funnel}}<text x="0" y="{{ty $i}}">{{$b.Label}}</text><rect class="{{$b.Class}}" x="230" y="{{ry $i}}" width="{{px $b.Width 520}}" height="17" rx="2"></rect><text class="note" x="{{addf 236 (mul $b.Width 520)}}" y="{{ty $i}}">{{$b.Note}}</text>
{{end}}</svg>
</section>

<section id="reasons">
<h2>Removals by stage and reason</h2>
{{if not .Reasons}}<p class="muted">Nothing was removed.</p>{{end}}
{{range $i, $r := .Reasons}}
<svg class="chart" width="100%" viewBox="0 0 1040 22" role="img" aria-label="{{$r.Reason}}"><text x="0" y="15">{{$r.Stage}} · {{$r.Reason}}</text><rect class="removed" x="380" y="2" width="{{px $r.Width 480}}" height="17" rx="2"></rect><text class="note" x="{{addf 386 (mul $r.Width 480)}}" y="15">{{num $r.Count}}</text></svg>
{{if $r.Examples}}<details><summary>{{len $r.Examples}} example{{if gt (len $r.Examples) 1}}s{{end}}</summary>
{{range $r.Examples}}<div class="muted">{{.ID}} · {{.Note}}</div><div class="example">{{.Text}}</div>{{end}}
</details>{{end}}
{{end}}
</section>

<section id="distributions">
<h2>Kept and removed documents</h2>
<div class="legend"><span><i class="sw" style="background:var(--kept)"></i>kept</span><span><i class="sw" style="background:var(--removed)"></i>removed</span></div>
<h3>Words per document</h3>
{{with .Words}}{{template "hist" .}}{{end}}
{{if .Languages}}<h3>Language (metadata.language)</h3>
<svg class="chart" width="100%" viewBox="0 0 1040 {{rows (len .Languages)}}" role="img" aria-label="documents by language">
{{range $i, $l := .Languages}}<text x="0" y="{{ty $i}}">{{$l.Language}}</text><rect class="kept" x="60" y="{{ry $i}}" width="{{px $l.KW 700}}" height="17"></rect><rect class="removed" x="{{addf 60 (mul $l.KW 700)}}" y="{{ry $i}}" width="{{px $l.RW 700}}" height="17"></rect><text class="note" x="{{addf 66 (mul (addf $l.KW $l.RW) 700)}}" y="{{ty $i}}">{{num $l.Kept}} kept, {{num $l.Removed}} removed</text>
{{end}}</svg>{{end}}
{{if .HasSlop}}<h3>Slop score (the line is the detector's threshold, {{f2 .Threshold}})</h3>
{{with .Slop}}{{template "hist" .}}{{end}}{{end}}
</section>

{{if .Families}}<section id="families">
<h2>Duplicate families</h2>
<p class="muted">The {{len .Families}} largest of {{num .FamilyCount}} clusters. Left: the document kept; right: a removed member, with the words that differ marked.</p>
<table><tr><th>cluster</th><th>size</th><th>kept</th><th>removed member</th></tr>
{{range .Families}}<tr><td>{{.Cluster}}</td><td>{{.Size}}</td><td>{{.Kept}}</td><td>{{.Other}} ({{.Reason}})</td></tr>
{{if .KeptText}}<tr><td colspan="4">{{$d := diff .KeptText .OtherText}}<div class="pair"><div>{{index $d 0}}</div><div>{{index $d 1}}</div></div></td></tr>{{end}}
{{end}}</table>
</section>{{end}}

<section id="time">
<h2>Time per stage</h2>
<p class="muted">{{f2 .Stats.WallSeconds}} s wall on {{.Stats.Workers}} workers: {{mbs .MBps}} MB/s of text, {{printf "%.0f" .DocsPerSec}} documents/s. Seconds are summed over workers; read, parse and write run beside the stages.</p>
<svg class="chart" width="100%" viewBox="0 0 1040 {{rows (len .Stages)}}" role="img" aria-label="seconds per stage">
{{range $i, $b := .Stages}}<text x="0" y="{{ty $i}}">{{$b.Label}}</text><rect class="{{$b.Class}}" x="230" y="{{ry $i}}" width="{{px $b.Width 600}}" height="17" rx="2"></rect><text class="note" x="{{addf 236 (mul $b.Width 600)}}" y="{{ty $i}}">{{$b.Note}}</text>
{{end}}</svg>
</section>

<section id="config">
<h2>Configuration</h2>
<pre>{{.Spec}}</pre>
</section>
</body>
</html>
{{define "hist"}}{{if .Empty}}<p class="muted">No documents.</p>{{else}}<svg class="chart" width="100%" viewBox="0 0 1040 190" role="img" aria-label="histogram of kept and removed documents">
{{$n := len .Labels}}{{$c := .}}{{range $i, $l := .Labels}}<rect class="kept" x="{{barx $i $n 1000}}" y="{{y (index $c.Kept $i) 150}}" width="{{barw $n 1000}}" height="{{h (index $c.Kept $i) 150}}"><title>{{$l}}: {{index $c.KeptN $i}} kept</title></rect><rect class="removed" x="{{half $i $n 1000}}" y="{{y (index $c.Removed $i) 150}}" width="{{barw $n 1000}}" height="{{h (index $c.Removed $i) 150}}"><title>{{$l}}: {{index $c.RemN $i}} removed</title></rect><text x="{{barx $i $n 1000}}" y="168">{{$l}}</text>
{{end}}{{if ge .Marker 0.0}}<line x1="{{px .Marker 1000}}" x2="{{px .Marker 1000}}" y1="0" y2="152" stroke="#1d2433" stroke-width="2" stroke-dasharray="4 3" class="marker"></line>{{end}}
<line x1="0" x2="1000" y1="150.5" y2="150.5" stroke="#d9dde5"></line></svg>{{end}}{{end}}
`
