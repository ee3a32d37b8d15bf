// Package heldout defines how the detector's labelled data are split and
// prepared, so that cmd/fitslop (which fits on splits A and B and
// measures on C) and the tests (which measure the shipped model on C
// again and compare with detect/model/eval.json) agree to the document.
//
// Every source is split by a hash of a key: a document's id, or for the
// in-genre corpus its story's id, so that a story's renderings fall
// together. 60% of keys are A (the text model's training data), 20% B
// (the combiner's and the threshold's), 20% C (held out).
package heldout

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"maps"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"sync"

	"github.com/winnowhq/winnow/detect"
)

// Split returns 'A', 'B' or 'C' for a key: ten buckets by hash, six for
// A, two for B, two for C.
func Split(key string) byte { return SplitFold(key, 0) }

// Folds is the number of cross-validation folds SplitFold knows.
const Folds = 5

// SplitFold is Split with the ten buckets turned by two places per fold
// (fold 0 to Folds-1): fold 0 is Split, and over the five folds every key
// is in C exactly once and in B exactly once, which is what a
// cross-validation of the whole fit needs.
func SplitFold(key string, fold int) byte {
	h := fnv.New32a()
	h.Write([]byte(key))
	switch v := (h.Sum32()%10 + uint32(2*fold)) % 10; {
	case v < 6:
		return 'A'
	case v < 8:
		return 'B'
	}
	return 'C'
}

var reHeading = regexp.MustCompile(`(?m)^\s*(#{1,6}\s.*|\*\*(chapter|part)\b.*\*\*\s*|(chapter|part) [0-9ivx]+\b.{0,60})$`)

// ModernText prepares a modern-machine text: its markdown headings
// stripped and, for half of the texts (by id), only an opening of 150 to
// 450 words kept, so that the model sees page-length machine text as
// well as whole stories.
func ModernText(id, text string) string {
	text = strings.TrimSpace(reHeading.ReplaceAllString(text, ""))
	h := Hash64(id)
	if h%2 == 0 {
		return text
	}
	limit := 150 + int(h/2%300)
	var out []string
	n := 0
	for _, p := range strings.Split(text, "\n") {
		if n >= limit {
			break
		}
		out = append(out, p)
		n += len(strings.Fields(p))
	}
	return strings.Join(out, "\n")
}

var reTitleLine = regexp.MustCompile(`^\s*(\*\*[^\n]*\*\*|#{1,6} [^\n]*|Title:[^\n]*)\s*\n`)

// WPFormat lays a modern-machine story out as the WritingPrompts sets
// have it: the prompt, a space, then the story's first 120 to 250 words,
// its title line dropped. Those sets start every story, human or
// machine, with a human-written prompt; without machine examples in that
// shape the text model would learn "a prompt first means human". Empty
// when the story has no prompt.
func WPFormat(prompt, text string) string {
	prompt = strings.TrimSpace(prompt)
	if prompt == "" {
		return ""
	}
	prompt = strings.TrimSpace(strings.TrimPrefix(prompt, ":"))
	text = strings.TrimSpace(reTitleLine.ReplaceAllString(text, ""))
	limit := 120 + int(Hash64(prompt)%131)
	var out []string
	n := 0
	for _, p := range strings.Split(text, "\n\n") {
		if n >= limit {
			break
		}
		out = append(out, strings.TrimSpace(p))
		n += len(strings.Fields(p))
	}
	return prompt + " " + strings.Join(out, "\n\n")
}

// Family names a modern-machine model's maker (Google's open Gemma and
// closed Gemini apart).
func Family(model string) string {
	m := strings.ToLower(model)
	has := func(s ...string) bool {
		for _, x := range s {
			if strings.Contains(m, x) {
				return true
			}
		}
		return false
	}
	switch {
	case has("claude"):
		return "claude"
	case has("gemma"):
		return "gemma"
	case has("gemini"):
		return "gemini"
	case has("gpt", "chatgpt", "openai/") || m == "o3" || m == "o4-mini":
		return "openai"
	case has("llama"):
		return "llama"
	case has("qwen", "qwq"):
		return "qwen"
	case has("deepseek"):
		return "deepseek"
	case has("mistral", "mixtral", "miqu"):
		return "mistral"
	case has("grok"):
		return "grok"
	case has("glm"):
		return "glm"
	}
	return "other"
}

var themeWords = map[string]bool{}

func init() {
	for _, w := range strings.Fields(`husband wife mother mom mum father dad mother-in-law mil father-in-law
	stepmom stepmother stepdad stepfather stepdaughter stepson sister brother sister-in-law brother-in-law
	daughter son fiancé fiance fiancée fiancee boyfriend girlfriend grandmother grandma grandfather grandpa
	aunt uncle niece nephew cousin wedding marriage divorce affair inheritance will funeral baby pregnant
	parents family in-laws ex`) {
		themeWords[w] = true
	}
}

// OnTheme reports whether a human post is on the genre's themes: at least
// 120 words, four family words and a first-person narrator (3% of words).
func OnTheme(text string) bool {
	fam, fp, n := 0, 0, 0
	for _, w := range strings.FieldsFunc(strings.ToLower(text), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r == '-' || r == '\'' || r == 'é')
	}) {
		n++
		if themeWords[w] {
			fam++
		}
		if w == "i" || w == "my" || w == "me" {
			fp++
		}
	}
	return n >= 120 && fam >= 4 && float64(fp) >= 0.03*float64(n)
}

// Hash64 is FNV-1a, 64 bits.
func Hash64(s string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// Doc is one labelled document.
type Doc struct {
	ID, Text, Source string
	// Group is the kind of text: old-machine (stories-dev's chat models),
	// base-lm (its base language models), modern, genre, seed (machine);
	// reddit, wp-human, other-human, web (human); aug-news (human pages
	// given stock credits by cmd/fitslop).
	Group   string
	Machine bool
	Family  string // modern: the model's family
	Key     string // the split key
	Variant string // genre: plain or page
	// Captions: a genre page with caption lines. OnTheme: a human
	// first-person post about family (OnTheme).
	Captions, OnTheme bool
}

// The held-out sets EVAL.md reports; What says which number matters.
const (
	SetOld        = "older chat-model text (gpt-3.5-turbo, gpt-4, Dolma's gpt-3.5; stories-dev)"
	SetBaseLM     = "base language models' continuations (GPT-2, GPT-J, GPT-Neo(X), OPT, davinci; stories-dev)"
	SetWPAll      = "WritingPrompts: human vs machine (all generators)"
	SetWP35       = "WritingPrompts: human vs gpt-3.5-turbo"
	SetReddit     = "Reddit first-person posts (human)"
	SetOnTheme    = "genre human counterparts: on-theme Reddit posts"
	SetWeb        = "web text (webtext-dev and the extraction benchmark's articles, human)"
	SetNews       = "news and blog articles (the extraction benchmark's ground truth, 2019-20, human)"
	SetModern     = "modern chat-model text (2024-25, 92 models)"
	SetModernWP   = "modern chat-model stories laid out as WritingPrompts (prompt + opening)"
	SetPlain      = "genre stories, whole (title and body)"
	SetCaptions   = "genre pages with caption lines"
	SetNoCaptions = "genre pages without caption lines"
	SetPages      = "genre pages, all"
	SetCredited   = "web pages given stock photo credits (human)"
	SetAblation   = "ablation: the captioned genre pages with their caption lines removed"
	SetSpun       = "robustness: genre pages re-worded by a synonym spinner (half the listed words and phrases)"
	SetSpunHuman  = "robustness: on-theme Reddit posts re-worded by the same spinner (human)"
	// TextModelPrefix starts the diagnostic sets that count the text
	// model's own verdict (P(machine) >= 0.5) per group.
	TextModelPrefix = "text model alone (P(machine) ≥ 0.5): "
)

// What says which number of a set matters: "recall", "fpr", "f1" or
// "diagnostic".
func What(set string) string {
	switch set {
	case SetReddit, SetOnTheme, SetWeb, SetNews, SetCredited, SetSpunHuman:
		return "fpr"
	case SetWPAll, SetWP35:
		return "f1"
	}
	if strings.HasPrefix(set, TextModelPrefix) {
		return "diagnostic"
	}
	return "recall"
}

// SetsOf returns the sets of split C a document belongs to (the
// augmented and ablated sets excepted, which cmd/fitslop makes). text
// says whether to include the text-model diagnostic set.
func SetsOf(d Doc, text bool) []string {
	var out []string
	switch d.Group {
	case "genre":
		switch {
		case d.Variant == "plain":
			out = append(out, SetPlain)
		case d.Captions:
			out = append(out, SetCaptions)
		default:
			out = append(out, SetNoCaptions)
		}
		if d.Variant == "page" {
			out = append(out, SetPages)
		}
	case "modern":
		out = append(out, SetModern)
		if d.Source == "modern/wp-format" {
			out = append(out, SetModernWP)
		}
	case "old-machine":
		out = append(out, SetOld)
	case "base-lm":
		out = append(out, SetBaseLM)
	case "reddit":
		out = append(out, SetReddit)
		if d.OnTheme {
			out = append(out, SetOnTheme)
		}
	case "web":
		out = append(out, SetWeb)
		if d.Source == "news-aeb" {
			out = append(out, SetNews)
		}
	}
	wp := strings.HasPrefix(d.Source, "writingprompts")
	if text && (d.Group == "reddit" || d.Group == "web" || d.Group == "modern" || d.Group == "genre" && d.Variant == "page" || wp) {
		g := d.Group
		if wp {
			g = "WritingPrompts"
		}
		out = append(out, TextModelPrefix+g)
	}
	if wp {
		out = append(out, SetWPAll)
		if !d.Machine || d.Source == "writingprompts-gpt-3.5-turbo" {
			out = append(out, SetWP35)
		}
	}
	return out
}

// chatModel reports whether a stories-dev machine source was written by
// a chat model (gpt-3.5-turbo, gpt-4; Dolma's synthetic gpt-3.5 passages)
// rather than a base language model continuing a prompt (GPT-2, GPT-J,
// GPT-Neo(X), OPT, davinci), whose text is web-like and not what the
// detector is for.
func chatModel(source string) bool {
	return strings.HasSuffix(source, "-gpt-3.5-turbo") || strings.HasSuffix(source, "-gpt-4") || strings.HasPrefix(source, "dolma-synthetic")
}

type record struct {
	ID, Text, Label, Source, Model, Kind, Prompt string
	Metadata                                     struct {
		Story, Variant string
		AICaptions     int `json:"ai_captions"`
		StockCaptions  int `json:"stock_captions"`
	}
}

// Load reads every labelled source: stories-dev, webtext-dev and
// modern-machine under shared (../shared/data), and the genre pages
// (detect/corpus/genre-pages.jsonl.gz) at pages.
func Load(shared, pages string) ([]Doc, error) {
	var all []Doc
	stories, err := readJSONL(filepath.Join(shared, "stories/stories-dev.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	for _, d := range stories {
		e := Doc{ID: d.ID, Text: d.Text, Source: d.Source, Machine: d.Label == "machine", Key: d.ID}
		switch {
		case e.Machine && chatModel(d.Source):
			e.Group = "old-machine"
		case e.Machine:
			e.Group = "base-lm"
		case strings.HasPrefix(d.Source, "reddit-"):
			e.Group = "reddit"
			e.OnTheme = OnTheme(d.Text)
		case d.Source == "writingprompts":
			e.Group = "wp-human"
		default:
			e.Group = "other-human"
		}
		all = append(all, e)
	}
	web, err := readJSONL(filepath.Join(shared, "webtext/webtext-dev.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	for _, d := range web {
		all = append(all, Doc{ID: d.ID, Text: d.Text, Source: "web", Group: "web", Key: d.ID, OnTheme: OnTheme(d.Text)})
	}
	news, err := readArticles(filepath.Join(shared, "extraction/scrapinghub-aeb/ground-truth.json"))
	if err != nil {
		return nil, err
	}
	all = append(all, news...)
	modern, err := readJSONL(filepath.Join(shared, "stories/modern-machine.jsonl.gz"))
	if err != nil {
		return nil, err
	}
	for _, d := range modern {
		all = append(all, Doc{ID: d.ID, Text: ModernText(d.ID, d.Text), Source: "modern/" + d.Kind, Group: "modern",
			Machine: true, Family: Family(d.Model), Key: d.ID})
		if wp := WPFormat(d.Prompt, d.Text); wp != "" {
			all = append(all, Doc{ID: d.ID + "#wp", Text: wp, Source: "modern/wp-format", Group: "modern",
				Machine: true, Family: Family(d.Model), Key: d.ID})
		}
	}
	genre, err := LoadPages(pages)
	if err != nil {
		return nil, err
	}
	return append(all, genre...), nil
}

// readArticles reads the article extraction benchmark's ground truth
// (181 news and blog articles of 2019-20, 20 of them not in English;
// MIT, see ../shared's README): edited human prose, the register the text
// model most often takes for a machine's. Group web, source news-aeb, in
// the order of their ids.
func readArticles(path string) ([]Doc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var gt map[string]struct {
		Body string `json:"articleBody"`
	}
	if err := json.Unmarshal(b, &gt); err != nil {
		return nil, fmt.Errorf("heldout: read %s: %w", path, err)
	}
	var out []Doc
	for _, id := range slices.Sorted(maps.Keys(gt)) {
		if t := gt[id].Body; strings.TrimSpace(t) != "" {
			out = append(out, Doc{ID: "aeb/" + id, Text: t, Source: "news-aeb", Group: "web", Key: "aeb/" + id, OnTheme: OnTheme(t)})
		}
	}
	return out, nil
}

// LoadPages reads the rendered genre pages.
func LoadPages(path string) ([]Doc, error) {
	recs, err := readJSONL(path)
	if err != nil {
		return nil, err
	}
	var out []Doc
	for _, d := range recs {
		m := d.Metadata
		out = append(out, Doc{ID: d.ID, Text: d.Text, Source: "genre", Group: "genre", Machine: true,
			Key: m.Story, Variant: m.Variant, Captions: m.AICaptions+m.StockCaptions > 0})
	}
	return out, nil
}

func readJSONL(path string) ([]record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		return nil, fmt.Errorf("heldout: read %s: %w", path, err)
	}
	var out []record
	sc := bufio.NewScanner(zr)
	sc.Buffer(nil, 1<<26)
	for n := 1; sc.Scan(); n++ {
		var d record
		if err := json.Unmarshal(sc.Bytes(), &d); err != nil {
			return nil, fmt.Errorf("heldout: read %s line %d: %w", path, n, err)
		}
		out = append(out, d)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("heldout: read %s: %w", path, err)
	}
	return out, nil
}

// Score scores every document with det, on all cores, in order.
func Score(det *detect.Detector, docs []Doc) []detect.Result {
	out := make([]detect.Result, len(docs))
	parallel(len(docs), func(i int) { out[i] = det.Score(docs[i].Text, detect.Prior{}) })
	return out
}

// Signals measures every document's signals with det, on all cores, in
// order.
func Signals(det *detect.Detector, docs []Doc) [][]detect.Signal {
	out := make([][]detect.Signal, len(docs))
	parallel(len(docs), func(i int) { out[i] = det.Signals(docs[i].Text, detect.Prior{}) })
	return out
}

// parallel calls f(0) … f(n-1) on all cores.
func parallel(n int, f func(i int)) {
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < runtime.GOMAXPROCS(0); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				f(i)
			}
		}()
	}
	for i := 0; i < n; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
}
