package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/spf13/cobra"
	"github.com/winnowhq/winnow/detect"
	"github.com/winnowhq/winnow/doc"
	"github.com/winnowhq/winnow/extract"
	"github.com/winnowhq/winnow/filter"
	"github.com/winnowhq/winnow/format"
	"github.com/winnowhq/winnow/format/jsonl"
	"github.com/winnowhq/winnow/pipeline"
	"github.com/winnowhq/winnow/score"
	"golang.org/x/term"
)

type scoreOpts struct {
	format        string
	slopThreshold float64
	detector      string
	languages     []string
	color         string
	workers       int
	fields        fieldOpts
}

func newScoreCmd() *cobra.Command {
	var o scoreOpts
	c := &cobra.Command{
		Use:   "score [FILE|-]...",
		Short: "Score documents and say why: language, quality verdicts, slop score with reasons",
		Long: `Score reads files (or stdin) and prints, for each document, its language,
each quality filter's verdict and reason, and the content-farm score of the
detector (slop_v2; --detector slop_v1 for the first one) with the reasons
behind it and the spans of text where each fires.

Input: JSONL (datatrove schema: id, text, metadata; .gz/.zst too), one
document per line: an input whose first line is a JSON object is read so,
and a line without a "text" string (or the member --text-field names)
stops it with an error naming the line. Anything else (a .txt, a pasted
story) is scored as one document whose id is the file name. An HTML page
(.html/.htm, or any input that starts like one) is scored on its main
text, extracted as winnow run's extract_v1 does (go-trafilatura; the
charset from its byte-order mark or <meta>), which the JSON carries as
extracted_text for the spans to index, with the figure captions it left
out as image_captions (their image credits count); WARC and Parquet files hold
many pages: winnow run --preset contentfarm --tag-only extracts and tags
each with slop_score and slop_reasons. Several files are read in turn, with the models loaded once;
a directory stands for its text, JSONL and HTML files (by name: .txt,
.jsonl, .json.gz, .html, ...; in lexical order, hidden ones left out; the
others are listed on stderr as skipped); "-" (or no file) is stdin. The
documents, of one feed or of many files, are scored on --workers
goroutines (every core by default) and printed in the input's order.

--format json (default) prints one JSON object per document;
--format text prints a readable verdict: each reason in words (the text
model's part included: what P(machine) it gave and how far that moved the
score), then the text with the evidence highlighted (colour on a terminal;
NO_COLOR or --color never turns it off).

Each reason: signal, value, contribution (how much it moved the score's
logit; the score is sigmoid(bias + sum of contributions)) and spans as
[start, end) code-point offsets into the text. slop.p_machine is the text
model's P(machine) (learned_model's value is its logit).`,
		Example: `  winnow score story.txt
  winnow score --format text story.txt
  winnow score feed.jsonl.gz > scores.jsonl
  winnow score --format text pages/*.txt
  winnow score --format text pages/
  winnow score --format text saved-page.html
  pbpaste | winnow score --format text -`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				args = []string{"-"}
			}
			return runScore(cmd.Context(), o, args, os.Stdin, os.Stdout, os.Stderr)
		},
	}
	f := c.Flags()
	f.StringVar(&o.format, "format", "json", "output: json (one object per document) or text (readable, highlighted)")
	f.Float64Var(&o.slopThreshold, "slop-threshold", 0, "flag documents scoring at or above this (0: the model's calibrated threshold)")
	f.StringVar(&o.detector, "detector", detect.Name, "detector version: slop_v2 or slop_v1")
	f.StringSliceVar(&o.languages, "languages", []string{"en"}, "languages the quality filters are meant for (reported, not enforced)")
	f.StringVar(&o.color, "color", "auto", "highlight spans in --format text: auto, always or never")
	f.IntVarP(&o.workers, "workers", "w", runtime.GOMAXPROCS(0), "documents scored at once (the output keeps the inputs' order)")
	fieldFlags(c, &o.fields)
	return c
}

// newScorer builds the scorer of winnow score and winnow serve; a bad
// option is a usage error.
func newScorer(o scoreOpts) (*score.Scorer, error) {
	if o.slopThreshold < 0 || o.slopThreshold >= 1 {
		return nil, usagef("--slop-threshold %v: want a score in [0, 1) (0: the model's calibrated threshold)", o.slopThreshold)
	}
	// Loading the two models allocates some 30 MB that all stays live: a
	// collection meanwhile finds nothing to free (10-15 ms of the start-up,
	// bench/startup.sh).
	var s *score.Scorer
	err := loadWithoutGC(func() (err error) {
		s, err = score.New(score.Options{Detector: o.detector, Threshold: o.slopThreshold, Languages: o.languages})
		return err
	})
	if err != nil {
		return nil, usageError{err}
	}
	return s, nil
}

func runScore(ctx context.Context, o scoreOpts, ins []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if o.format != "json" && o.format != "text" {
		return usagef("--format must be json or text, not %q", o.format)
	}
	if o.color != "auto" && o.color != "always" && o.color != "never" {
		return usagef("--color must be auto, always or never")
	}
	if o.workers < 1 {
		return usagef("--workers must be at least 1, not %d", o.workers)
	}
	if n := countOf(ins, "-"); n > 1 {
		return usagef("stdin (-) is named %d times: it can be read only once", n)
	}
	ins, skipped, err := expandDirs(ins)
	if err != nil {
		return err
	}
	if len(skipped) > 0 {
		files := "files that are"
		if len(skipped) == 1 {
			files = "file that is"
		}
		fmt.Fprintf(stderr, "winnow score: skipped %d %s not text, JSONL or HTML by name: %s\n", len(skipped), files, firstOf(skipped, 5))
	}
	fields, err := o.fields.fields()
	if err != nil {
		return err
	}
	s, err := newScorer(o)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(stdout)
	defer w.Flush()
	color := o.color == "always" || o.color == "auto" && os.Getenv("NO_COLOR") == "" && isTerminal(stdout)
	emit := func(sc score.Result) error {
		if o.format == "text" {
			writeText(w, sc, color)
			return nil
		}
		b, err := json.Marshal(sc)
		if err != nil {
			return err
		}
		w.Write(b)
		return w.WriteByte('\n')
	}
	r := &scoreReader{stdin: stdin, fields: fields}
	return scoreAll(ctx, s, ins, r, o.workers, emit)
}

// expandDirs replaces each directory among ins by the files under it (and
// the links to files; links to directories are not followed) whose names
// say text, JSONL or HTML (format.KindOf), in lexical order, leaving out
// hidden files and directories (".git", ".DS_Store"); skipped lists the
// other files it left out (a MANIFEST.tsv, a README.md, a .warc.gz). A
// directory with no file to score is an error.
func expandDirs(ins []string) (out, skipped []string, err error) {
	for _, in := range ins {
		fi, err := os.Stat(in)
		if in == "-" || err != nil || !fi.IsDir() {
			out = append(out, in) // read reports a missing file
			continue
		}
		n := len(out)
		err = filepath.WalkDir(in, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if path != in && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			file := d.Type().IsRegular()
			if d.Type()&fs.ModeSymlink != 0 {
				fi, err := os.Stat(path)
				file = err == nil && fi.Mode().IsRegular() // links to directories are not followed
			}
			if !file {
				return nil
			}
			if k, _ := format.KindOf(d.Name()); k != "text" && k != "jsonl" && k != "html" {
				skipped = append(skipped, path)
				return nil
			}
			out = append(out, path)
			return nil
		})
		if err != nil {
			return nil, nil, fmt.Errorf("score %s: %w", in, err)
		}
		if len(out) == n {
			return nil, nil, fmt.Errorf("score %s: no text, JSONL or HTML file in it (by name: .txt, .jsonl, .json.gz, .html and their .gz/.zst)", in)
		}
	}
	return out, skipped, nil
}

func countOf(ss []string, s string) int {
	n := 0
	for _, x := range ss {
		if x == s {
			n++
		}
	}
	return n
}

// scoreAll scores the documents of every input in turn (a JSONL input's
// lines, another file as one document) on workers goroutines, and hands
// the results to emit in input order: the models are loaded once and
// every core is busy whether the documents come as one feed or as many
// files. At most 4 × workers documents are in flight. The first error (a
// missing file, a bad line, emit's) stops it: the documents before it
// are emitted, none after.
func scoreAll(ctx context.Context, s *score.Scorer, ins []string, r *scoreReader, workers int, emit func(score.Result) error) error {
	type job struct {
		id, text string
		page     bool // text is an HTML page, to extract
		res      score.Result
		done     chan struct{}
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	work := make(chan *job)
	order := make(chan *job, 4*workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for j := range work {
				if j.page {
					// Extracted here, on the workers: pages are the slow part.
					j.res = s.ScoreHTML(j.id, j.text)
				} else {
					j.res = s.Score(j.id, j.text)
				}
				close(j.done)
			}
		})
	}
	// send queues one document, in order; the strings must not change
	// afterwards.
	send := func(id, text string, page bool) error {
		j := &job{id: id, text: text, page: page, done: make(chan struct{})}
		select {
		case order <- j:
		case <-ctx.Done():
			return ctx.Err()
		}
		select {
		case work <- j:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	var readErr error
	go func() {
		defer close(order)
		defer close(work)
		for _, in := range ins {
			if readErr = r.read(ctx, in, send); readErr != nil {
				return
			}
		}
	}()
	var err error
	for j := range order {
		if err != nil {
			continue // drain: the reader stops at the cancel
		}
		select {
		case <-j.done:
		case <-ctx.Done():
			err = ctx.Err()
			cancel()
			continue
		}
		if err = emit(j.res); err != nil {
			cancel()
		}
	}
	wg.Wait()
	if err != nil {
		return err
	}
	return readErr
}

// scoreReader reads winnow score's inputs.
type scoreReader struct {
	stdin  io.Reader
	fields jsonl.Fields
}

// read hands each document of one input ("-": stdin) to send: a JSONL
// input's lines, an HTML page's main text, anything else as one document
// named after the file.
func (r *scoreReader) read(ctx context.Context, in string, send func(id, text string, page bool) error) error {
	kind, _ := format.KindOf(in)
	if kind == "warc" || kind == "parquet" {
		return usagef("score %s: a %s file holds many documents; winnow run --preset contentfarm --tag-only extracts and tags each with metadata.slop_score and slop_reasons (without --tag-only it removes them), or winnow run --filters extract_v1 writes their text as JSONL for winnow score", in, strings.ToUpper(kind))
	}
	var src io.Reader = r.stdin
	name := "stdin"
	if in != "-" {
		f, err := os.Open(in)
		if err != nil {
			return fmt.Errorf("score: %w", err)
		}
		defer f.Close()
		src, name = f, filepath.Base(in)
	}
	dec, _, err := format.Decompress(src)
	if err != nil {
		return fmt.Errorf("score %s: %w", in, err)
	}
	defer dec.Close()
	br := bufio.NewReaderSize(dec, 1<<20)
	head, _ := br.Peek(1 << 16)
	if bytes.HasPrefix(head, format.BOM) {
		br.Discard(len(format.BOM))
		head = head[len(format.BOM):]
	}
	if kind := format.Binary(head); kind != "" {
		return fmt.Errorf("score %s: it is %s, not text or JSON lines", in, kind)
	}
	lines := looksLikeJSONL(head)
	if kind == "html" || !lines && extract.LooksLikeHTML(string(head)) {
		return r.page(in, name, br, send)
	}
	if !lines {
		data, err := io.ReadAll(br)
		if err != nil {
			return fmt.Errorf("score %s: %w", in, err)
		}
		return send(name, string(bytes.ToValidUTF8(data, []byte("\uFFFD"))), false)
	}
	lr := jsonl.NewLineReader(br, 0)
	var d doc.Doc
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		line, n, err := lr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("score %s line %d: %w", in, n, err)
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := jsonl.DecodeFields(line, &d, r.fields); err != nil {
			return fmt.Errorf("score %s line %d: %w", in, n, err)
		}
		id := d.ID
		if id == "" {
			id = doc.DefaultID(name, n-1)
		}
		// The decoded strings may point into the reader's buffer, which
		// the next line reuses.
		if err := send(strings.Clone(id), strings.Clone(d.Text), false); err != nil {
			return err
		}
	}
}

// looksLikeJSONL reports whether the input's first line is a JSON object:
// then the input is JSON lines, and a record without a "text" string is an
// error naming its line, not a story to score as prose (records that keep
// their text under another name would otherwise be scored as one
// document, the file).
func looksLikeJSONL(head []byte) bool {
	head = bytes.TrimLeft(head, " \t\r\n\ufeff")
	if len(head) == 0 || head[0] != '{' {
		return false
	}
	i := bytes.IndexByte(head, '\n')
	if i < 0 {
		if len(head) >= 1<<16 {
			return true // a first line longer than we peeked: a big record
		}
		i = len(head)
	}
	return json.Valid(head[:i])
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

const (
	ansiReset = "\033[0m"
	ansiBold  = "\033[1m"
	ansiRed   = "\033[1;31m"
	ansiGreen = "\033[1;32m"
	ansiMark  = "\033[30;43m"
)

// writeText prints a readable verdict: the score, the reasons, the quality
// verdicts, then the text with every span highlighted (or, without
// colour, wrapped in ⟦ ⟧ with the signal's number).
func writeText(w io.Writer, sc score.Result, color bool) {
	paint := func(code, s string) string {
		if !color {
			return s
		}
		return code + s + ansiReset
	}
	verdictWord := paint(ansiGreen, "not flagged")
	if sc.Note != "" {
		verdictWord = paint(ansiGreen, "not flagged (not English)")
	}
	if sc.Flagged {
		verdictWord = paint(ansiRed, "FLAGGED")
	}
	fmt.Fprintf(w, "%s  %s  slop %.3f (threshold %.2f, P(machine) %.3f)  language %s %.2f\n",
		paint(ansiBold, sc.ID), verdictWord, sc.Slop.Score, sc.Slop.Threshold, sc.Slop.PMachine, sc.Language, sc.LanguageScore)
	if sc.Note != "" {
		fmt.Fprintln(w, "note:", sc.Note)
	}
	fmt.Fprintln(w, "reasons (contribution to the logit; score = sigmoid(bias + sum)):")
	type mark struct {
		span detect.Span
		n    int
	}
	var marks []mark
	for i, r := range sc.Slop.Reasons {
		where := fmt.Sprintf("%d spans", len(r.Spans))
		if len(r.Spans) == 0 {
			where = "the whole text" // a rate or a shape, as sentence_uniformity
		}
		fmt.Fprintf(w, "  [%d] %-20s %+7.3f  value %.3f  (%s)\n", i+1, r.Signal, r.Contribution, r.Value, where)
		fmt.Fprintf(w, "      %s\n", r.Explain())
		for _, sp := range r.Spans {
			marks = append(marks, mark{sp, i + 1})
		}
	}
	if sc.Slop.NoWords {
		fmt.Fprintf(w, "      %s\n", score.NoWordsExplain)
	}
	var q []string
	for _, n := range filter.Names() {
		v := sc.Quality[n]
		if v.Keep {
			q = append(q, n+" keep")
		} else {
			q = append(q, n+" drop ("+v.Reason+")")
		}
	}
	fmt.Fprintf(w, "quality: %s\n", strings.Join(q, ", "))
	for _, c := range sc.ImageCaptions {
		fmt.Fprintf(w, "image caption, left out of the text: %s\n", c)
	}
	fmt.Fprintln(w)

	// Highlight: outermost spans win; overlapping ones are skipped.
	sort.SliceStable(marks, func(i, j int) bool {
		if marks[i].span[0] != marks[j].span[0] {
			return marks[i].span[0] < marks[j].span[0]
		}
		return marks[i].span[1] > marks[j].span[1]
	})
	runes := []rune(sc.Text)
	var b strings.Builder
	pos := 0
	for _, m := range marks {
		s, e := m.span[0], m.span[1]
		if s < pos || e > len(runes) || s >= e {
			continue
		}
		b.WriteString(string(runes[pos:s]))
		if color {
			b.WriteString(ansiMark + string(runes[s:e]) + ansiReset)
		} else {
			fmt.Fprintf(&b, "⟦%s⟧%d", string(runes[s:e]), m.n)
		}
		pos = e
	}
	b.WriteString(string(runes[pos:]))
	fmt.Fprintln(w, b.String())
	fmt.Fprintln(w)
}

// page hands on an HTML page, decoded to UTF-8 by the rule of HTML files
// and WARC records (format.Decoder), for a worker to score on its main
// text as winnow run's extract_v1 gives it (score.Scorer.ScoreHTML). A
// page with no main text (or too big to extract) is scored as an empty
// text, and its note says why.
func (r *scoreReader) page(in, name string, src io.Reader, send func(id, text string, page bool) error) error {
	data, err := io.ReadAll(io.LimitReader(src, pipeline.MaxHTMLSize+1))
	if err != nil {
		return fmt.Errorf("score %s: %w", in, err)
	}
	if len(data) > pipeline.MaxHTMLSize {
		return fmt.Errorf("score %s: an HTML page over %d MiB", in, pipeline.MaxHTMLSize>>20)
	}
	var dec format.Decoder
	_, page := dec.ToUTF8(data, "", "text/html")
	return send(name, string(page), true)
}
