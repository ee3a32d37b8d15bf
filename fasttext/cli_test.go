package fasttext

import (
	"bufio"
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "regenerate testdata/tiny.* with the fastText CLI")

// fastTextCLI returns the reference binary (Debian package fasttext 0.9.2),
// skipping the test when it is not installed.
func fastTextCLI(tb testing.TB) string {
	tb.Helper()
	p, err := exec.LookPath("fasttext")
	if err != nil {
		tb.Skip("skip: fastText CLI not found (apt-get install -y fasttext)")
	}
	return p
}

func runCLI(tb testing.TB, bin string, args ...string) []byte {
	tb.Helper()
	cmd := exec.Command(bin, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		tb.Fatalf("fasttext %s: %v\n%s", strings.Join(args, " "), err, stderr.Bytes())
	}
	return out
}

// parseCLI parses predict-prob output: per line, label prob pairs.
func parseCLI(tb testing.TB, out []byte) [][]Prediction {
	tb.Helper()
	var res [][]Prediction
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f)%2 != 0 {
			tb.Fatalf("odd predict-prob line %q", sc.Text())
		}
		ps := []Prediction{}
		for i := 0; i < len(f); i += 2 {
			p, err := strconv.ParseFloat(f[i+1], 32)
			if err != nil {
				tb.Fatalf("predict-prob line %q: %v", sc.Text(), err)
			}
			ps = append(ps, Prediction{Label: f[i], Prob: float32(p)})
		}
		res = append(res, ps)
	}
	return res
}

// storiesCorpus returns labelled lines ("__label__<source> __label__<human|machine> text")
// from the shared stories corpus, or nil when it is absent.
func storiesCorpus(tb testing.TB) (train, test []string) {
	p := filepath.Join(shared, "data/stories/stories-dev.jsonl.gz")
	if _, err := os.Stat(p); err != nil {
		return nil, nil
	}
	type story struct{ Text, Label, Source string }
	all := readJSONL[story](tb, p)
	for i := 0; i < len(all); i += 10 {
		s := all[i]
		text := strings.ReplaceAll(s.Text, "\n", " ")
		if len(train) < 2000 {
			train = append(train, fmt.Sprintf("__label__%s __label__%s %s", s.Source, s.Label, text))
		} else if len(test) < 500 {
			test = append(test, text)
		}
	}
	return train, test
}

// syntheticCorpus generates labelled lines from small topic vocabularies
// (with non-ASCII words), deterministically.
func syntheticCorpus(n int, seed uint64) []string {
	topics := map[string][]string{
		"animals": {"cat", "dog", "horse", "Kätzchen", "oiseau", "лиса", "fish", "barks", "purrs", "gallops", "feathers", "paws"},
		"food":    {"bread", "cheese", "soup", "pâté", "smörgås", "寿司", "tomato", "bake", "boil", "salty", "sweet", "dinner"},
		"tech":    {"kernel", "compiler", "GPU", "réseau", "データ", "server", "byte", "latency", "deploy", "cache", "thread", "mutex"},
		"weather": {"rain", "snow", "wind", "orage", "nieve", "霧", "sunny", "cloudy", "storm", "humid", "forecast", "cold"},
	}
	common := []string{"the", "a", "is", "and", "of", "with", "very", "today", "¡hola!", "naïve", "—", "2024"}
	names := []string{"animals", "food", "tech", "weather"}
	r := rand.New(rand.NewPCG(seed, 7))
	var lines []string
	for i := 0; i < n; i++ {
		t := names[r.IntN(len(names))]
		if i%3 == 0 {
			t = names[0] // unbalanced label counts shape the Huffman tree
		}
		words := []string{"__label__" + t}
		if r.IntN(5) == 0 {
			words = append(words, "__label__"+names[r.IntN(len(names))])
		}
		for w, nw := 0, 3+r.IntN(12); w < nw; w++ {
			if r.IntN(3) == 0 {
				words = append(words, common[r.IntN(len(common))])
			} else {
				words = append(words, topics[t][r.IntN(len(topics[t]))])
			}
		}
		lines = append(lines, strings.Join(words, " "))
	}
	return lines
}

// manyLabelCorpus generates lines over nlabels labels (fastText quantizes
// an output matrix only from 256 rows on), each label with its own words.
func manyLabelCorpus(n, nlabels int, seed uint64) []string {
	r := rand.New(rand.NewPCG(seed, 11))
	var lines []string
	for i := 0; i < n; i++ {
		l := r.IntN(nlabels)
		if r.IntN(4) == 0 {
			l = r.IntN(1 + nlabels/10) // skewed counts
		}
		words := []string{fmt.Sprintf("__label__l%d", l)}
		for w, nw := 0, 2+r.IntN(8); w < nw; w++ {
			if r.IntN(3) == 0 {
				words = append(words, fmt.Sprintf("common%d", r.IntN(50)))
			} else {
				words = append(words, fmt.Sprintf("w%dé%d", l, r.IntN(6)))
			}
		}
		lines = append(lines, strings.Join(words, " "))
	}
	return lines
}

// edgeLines are predicted after the corpus test lines: empty and blank
// lines, label-only lines, odd whitespace, long and non-ASCII words.
var edgeLines = []string{
	"",
	"   \t ",
	"__label__food",
	"__label__nosuchlabel bread and cheese",
	"tab\tseparated\vvertical\fform\rreturn\x00nul words",
	"ÀÉÎÕÜ ñandú 日本語のテキスト 😀😀 Ελληνικά עברית العربية",
	strings.Repeat("supercalifragilistic", 10),
	"\xff\xfe broken \xc3 utf-8 \x80\x80",
	"a",
}

func writeLines(tb testing.TB, path string, lines []string) {
	tb.Helper()
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		tb.Fatal(err)
	}
}

// cliCase is one model built by the CLI and one predict-prob run over it.
type cliCase struct {
	name      string
	corpus    string   // "stories" (or its synthetic stand-in) or "many" (300 labels)
	train     []string // fasttext supervised flags after the common ones
	quantize  []string // fasttext quantize flags, nil for the .bin
	k         int
	threshold string
}

// TestCLIParity trains small supervised models with the reference CLI (each
// loss, dense and quantized) and compares predict-prob with Predict line by
// line. The commands it runs are logged with -v.
func TestCLIParity(t *testing.T) {
	if testing.Short() {
		t.Skip("skip: trains and quantizes 11 models (about a minute)")
	}
	bin := fastTextCLI(t)
	dir := t.TempDir()
	type corpus struct{ train, test string }
	corpora := map[string]corpus{}
	addCorpus := func(name string, train, test []string) {
		c := corpus{filepath.Join(dir, name+".train.txt"), filepath.Join(dir, name+".test.txt")}
		writeLines(t, c.train, train)
		writeLines(t, c.test, append(test, edgeLines...))
		corpora[name] = c
	}
	trainLines, testLines := storiesCorpus(t)
	if trainLines == nil {
		t.Log("shared stories corpus absent: using the synthetic corpus")
		trainLines = syntheticCorpus(2000, 1)
		for _, l := range syntheticCorpus(500, 2) {
			testLines = append(testLines, strings.SplitN(l, " ", 2)[1])
		}
	}
	addCorpus("stories", trainLines, testLines)
	addCorpus("many", manyLabelCorpus(3000, 300, 1), manyLabelCorpus(500, 300, 2))

	common := []string{"-dim", "16", "-epoch", "5", "-wordNgrams", "2", "-minn", "2", "-maxn", "4", "-bucket", "100000", "-thread", "2", "-verbose", "0"}
	cases := []cliCase{
		{name: "softmax", train: []string{"-loss", "softmax"}, k: 3},
		{name: "softmax-all", train: []string{"-loss", "softmax"}, k: -1},
		{name: "hs", train: []string{"-loss", "hs"}, k: 3},
		{name: "hs-threshold", train: []string{"-loss", "hs"}, k: 10, threshold: "0.01"},
		{name: "ova", train: []string{"-loss", "ova"}, k: 3},
		{name: "ova-threshold", train: []string{"-loss", "ova"}, k: 10, threshold: "0.2"},
		{name: "ns", train: []string{"-loss", "ns"}, k: 3},
		{name: "softmax-nosubwords", train: []string{"-loss", "softmax", "-maxn", "0", "-wordNgrams", "3"}, k: 3},
		{name: "softmax.ftz", train: []string{"-loss", "softmax"}, quantize: []string{}, k: 3},
		{name: "hs-qnorm-cutoff.ftz", train: []string{"-loss", "hs"}, quantize: []string{"-qnorm", "-cutoff", "5000", "-dsub", "3"}, k: 3},
		{name: "many-softmax-qnorm-qout.ftz", corpus: "many", train: []string{"-loss", "softmax"}, quantize: []string{"-qnorm", "-qout", "-cutoff", "3000"}, k: 3},
		{name: "many-hs-qout-cutoff.ftz", corpus: "many", train: []string{"-loss", "hs"}, quantize: []string{"-qout", "-cutoff", "2000", "-dsub", "4"}, k: 5},
		{name: "many-ova-qnorm-qout-cutoff.ftz", corpus: "many", train: []string{"-loss", "ova"}, quantize: []string{"-qnorm", "-qout", "-cutoff", "1000"}, k: 3, threshold: "0.05"},
	}
	trained := map[string]string{} // corpus + train flags → .bin
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if c.corpus == "" {
				c.corpus = "stories"
			}
			cp := corpora[c.corpus]
			key := c.corpus + " " + strings.Join(c.train, " ")
			model, ok := trained[key]
			if !ok {
				prefix := filepath.Join(dir, fmt.Sprintf("m%d", len(trained)))
				args := append([]string{"supervised", "-input", cp.train, "-output", prefix}, common...)
				args = append(args, c.train...)
				t.Logf("fasttext %s", strings.Join(args, " "))
				runCLI(t, bin, args...)
				model = prefix + ".bin"
				trained[key] = model
			}
			if c.quantize != nil {
				prefix := filepath.Join(dir, strings.TrimSuffix(c.name, ".ftz"))
				data, err := os.ReadFile(model)
				if err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(prefix+".bin", data, 0o644); err != nil {
					t.Fatal(err)
				}
				args := append([]string{"quantize", "-input", cp.train, "-output", prefix, "-verbose", "0"}, c.quantize...)
				t.Logf("fasttext %s", strings.Join(args, " "))
				runCLI(t, bin, args...)
				model = prefix + ".ftz"
			}
			pargs := []string{"predict-prob", model, cp.test, strconv.Itoa(c.k)}
			var thr float32
			if c.threshold != "" {
				pargs = append(pargs, c.threshold)
				f, _ := strconv.ParseFloat(c.threshold, 32)
				thr = float32(f)
			}
			t.Logf("fasttext %s", strings.Join(pargs, " "))
			want := parseCLI(t, runCLI(t, bin, pargs...))
			lines := strings.Split(strings.TrimSuffix(readString(t, cp.test), "\n"), "\n")
			if len(want) != len(lines) {
				t.Fatalf("predict-prob printed %d lines for %d", len(want), len(lines))
			}
			m, err := LoadFile(model)
			if err != nil {
				t.Fatal(err)
			}
			checkLines(t, m, lines, want, c.k, thr)
		})
	}
}

func readString(tb testing.TB, path string) string {
	tb.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// checkLines compares Predict on each line with the CLI's predictions.
func checkLines(t *testing.T, m *Model, lines []string, want [][]Prediction, k int, thr float32) {
	t.Helper()
	var top, all, shown int
	for i, line := range lines {
		got := m.Predict(line, k, thr)
		sameTop, sameAll := compare(got, want[i], false)
		if sameTop {
			top++
		}
		if sameAll {
			all++
		} else if shown < 5 {
			shown++
			t.Logf("line %d %.40q: got %v, want %v", i, line, got, want[i])
		}
	}
	n := len(lines)
	t.Logf("%v loss, quantized %v: %d lines, top-1 %d (%.2f%%), labels+probs within %g %d (%.2f%%)",
		m.Args().Loss, m.Quantized(), n, top, 100*float64(top)/float64(n), probTol, all, 100*float64(all)/float64(n))
	if top != n || all != n {
		t.Errorf("parity not exact: top-1 %d/%d, labels+probs %d/%d", top, n, all, n)
	}
}

// tinyModels are the small models kept in testdata with the CLI's top-4
// predictions on their golden lines.
var tinyModels = []struct {
	model string
	lines func() []string
}{
	{"testdata/tiny.bin", tinyLines},
	{"testdata/tiny.ftz", tinyLines},
	{"testdata/tiny-many.ftz", func() []string { return append(manyLabelCorpus(200, 300, 4), edgeLines...) }},
}

func tinyLines() []string { return append(syntheticCorpus(300, 3), edgeLines...) }

// TestTinyGolden checks the small models in testdata against the CLI's
// predictions saved beside them, so parity is tested without the CLI.
// go test -run TestTinyGolden -update rebuilds them with the CLI.
func TestTinyGolden(t *testing.T) {
	if *update {
		updateTiny(t)
	}
	for _, c := range tinyModels {
		t.Run(filepath.Base(c.model), func(t *testing.T) {
			m, err := LoadFile(c.model)
			if err != nil {
				t.Fatal(err)
			}
			want := parseCLI(t, []byte(readString(t, c.model+".oracle.txt")))
			lines := c.lines()
			if len(want) != len(lines) {
				t.Fatalf("%s.oracle.txt has %d lines for %d", c.model, len(want), len(lines))
			}
			checkLines(t, m, lines, want, 4, 0)
		})
	}
}

// updateTiny trains testdata/tiny.bin (softmax, dim 8, 1000 buckets) and
// quantizes it to testdata/tiny.ftz (pruned, qnorm), trains a 300-label
// hs model quantized to testdata/tiny-many.ftz (pruned, qnorm, qout), then
// saves the CLI's top-4 predictions on the golden lines.
func updateTiny(t *testing.T) {
	bin := fastTextCLI(t)
	dir := t.TempDir()
	copyFile := func(from, to string) {
		data, err := os.ReadFile(from)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(to, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	train := func(name string, lines []string, flags ...string) string {
		in := filepath.Join(dir, name+".txt")
		writeLines(t, in, lines)
		prefix := filepath.Join(dir, name)
		runCLI(t, bin, append([]string{"supervised", "-input", in, "-output", prefix, "-thread", "1", "-verbose", "0"}, flags...)...)
		return prefix
	}
	p := train("tiny", syntheticCorpus(1000, 1), "-dim", "8", "-epoch", "20", "-wordNgrams", "2", "-minn", "2", "-maxn", "3", "-bucket", "1000")
	copyFile(p+".bin", "testdata/tiny.bin")
	runCLI(t, bin, "quantize", "-input", p+".txt", "-output", p, "-qnorm", "-cutoff", "300", "-verbose", "0")
	copyFile(p+".ftz", "testdata/tiny.ftz")
	p = train("many", manyLabelCorpus(2000, 300, 1), "-dim", "8", "-epoch", "10", "-wordNgrams", "2", "-minn", "3", "-maxn", "3", "-bucket", "1000", "-loss", "hs")
	runCLI(t, bin, "quantize", "-input", p+".txt", "-output", p, "-qnorm", "-qout", "-cutoff", "500", "-verbose", "0")
	copyFile(p+".ftz", "testdata/tiny-many.ftz")
	for _, c := range tinyModels {
		test := filepath.Join(dir, "golden.txt")
		writeLines(t, test, c.lines())
		out := runCLI(t, bin, "predict-prob", c.model, test, "4")
		if err := os.WriteFile(c.model+".oracle.txt", out, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestLoadBytes: a model loaded in place from memory predicts, explains
// and saves exactly as the same model loaded from a file, for a dense and
// for a quantized model; a truncated copy fails as Load fails.
func TestLoadBytes(t *testing.T) {
	models := append(tinyModels[:2:2], struct {
		model string
		lines func() []string
	}{"../detect/model/slop_text_v2.bin", func() []string { return tinyLines()[:40] }}) // two labels: Margin too
	for _, c := range models {
		t.Run(filepath.Base(c.model), func(t *testing.T) {
			data, err := os.ReadFile(c.model)
			if err != nil {
				t.Fatal(err)
			}
			want, err := LoadFile(c.model)
			if err != nil {
				t.Fatal(err)
			}
			got, err := LoadBytes(data)
			if err != nil {
				t.Fatal(err)
			}
			if !want.Quantized() && got.in.raw == nil {
				t.Error("dense matrix copied, not read in place")
			}
			labels := want.Labels()
			for _, l := range c.lines() {
				p, q := got.Predict(l, -1, 0), want.Predict(l, -1, 0)
				if !reflect.DeepEqual(p, q) {
					t.Fatalf("Predict(%q) = %v, from a file %v", l, p, q)
				}
				e1, b1, err1 := got.Explain(l, labels[0], labels[1])
				e2, b2, err2 := want.Explain(l, labels[0], labels[1])
				if !reflect.DeepEqual(e1, e2) || b1 != b2 || (err1 == nil) != (err2 == nil) {
					t.Fatalf("Explain(%q) differs", l)
				}
			}
			if len(labels) == 2 && want.Args().Loss == LossSoftmax {
				g1, err1 := got.Margin(labels[0])
				g2, err2 := want.Margin(labels[0])
				if err1 != nil || err2 != nil || !reflect.DeepEqual(g1.v, g2.v) {
					t.Errorf("Margin differs (%v, %v)", err1, err2)
				}
			} else if strings.Contains(c.model, "slop") {
				t.Errorf("%s has labels %q, want two", c.model, labels)
			}
			if !want.Quantized() {
				var a, b bytes.Buffer
				if err := got.Save(&a); err != nil {
					t.Fatal(err)
				}
				if err := want.Save(&b); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(a.Bytes(), b.Bytes()) || !bytes.Equal(a.Bytes(), data) {
					t.Error("Save differs")
				}
			}
			for _, n := range []int{len(data) / 2, len(data) - 1} {
				_, errB := LoadBytes(data[:n])
				_, errR := Load(bytes.NewReader(data[:n]))
				if errB == nil || !errors.Is(errB, io.ErrUnexpectedEOF) != !errors.Is(errR, io.ErrUnexpectedEOF) {
					t.Errorf("truncated to %d: LoadBytes %v, Load %v", n, errB, errR)
				}
			}
		})
	}
}
