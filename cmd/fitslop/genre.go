package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"strings"

	"github.com/winnowhq/winnow/detect/heldout"
)

// written is one story of detect/corpus/written (see its README): the
// in-genre, machine-written side of the corpus.
type written struct {
	ID, Style, Theme, Title string
	Captions                []string
	Body                    string
}

var reHeader = regexp.MustCompile(`^(\S+) \| style: (\w+) \| theme: (.*)$`)

// readWritten parses every *.txt of dir.
func readWritten(dir string) ([]written, error) {
	paths, err := textFiles(dir, "stories")
	if err != nil {
		return nil, err
	}
	var out []written
	seen := map[string]bool{}
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		parts := strings.Split("\n"+string(b), "\n=== ")
		for _, part := range parts[1:] {
			head, body, ok := strings.Cut(part, "\n---\n")
			if !ok {
				return nil, fmt.Errorf("%s: story without a --- line: %.60q", p, part)
			}
			hl := strings.Split(head, "\n")
			m := reHeader.FindStringSubmatch(strings.TrimSpace(hl[0]))
			if m == nil {
				return nil, fmt.Errorf("%s: bad header %q", p, hl[0])
			}
			w := written{ID: m[1], Style: m[2], Theme: strings.TrimSpace(m[3]), Body: strings.TrimSpace(body)}
			for _, l := range hl[1:] {
				switch {
				case strings.HasPrefix(l, "TITLE:"):
					w.Title = strings.TrimSpace(strings.TrimPrefix(l, "TITLE:"))
				case strings.HasPrefix(l, "CAPTIONS:"):
					for _, c := range strings.Split(strings.TrimPrefix(l, "CAPTIONS:"), "|") {
						if c = strings.TrimSpace(c); c != "" {
							w.Captions = append(w.Captions, c)
						}
					}
				}
			}
			if seen[w.ID] {
				return nil, fmt.Errorf("%s: duplicate id %s", p, w.ID)
			}
			seen[w.ID] = true
			if n := len(strings.Fields(w.Body)); n < 100 {
				return nil, fmt.Errorf("%s: %s has %d words", p, w.ID, n)
			}
			out = append(out, w)
		}
	}
	return out, nil
}

// Credits the pages put under their pictures. AI ones are strong evidence;
// stock ones are what news pages carry too.
var (
	aiCredits    = []string{" | Source: Midjourney", " | Source: Midjourney", " | Image by RM AI", " | Source: Gemini", " (AI-generated image)", " – For illustrative purposes only", " | Image: DALL·E", " | Source: Canva AI"}
	stockCredits = []string{" | Source: Pexels", " | Source: Unsplash", " | Freepik", " | Shutterstock", " – Photo: Getty Images", " (Stock Photo)", " | Source: Pexels", " | Image: Freepik"}
	navLines     = [][]string{{"Home", "Stories", "Family", "Relationships"}, {"Menu", "Search"}, {"Skip to content"}, {"Home", "Latest", "Viral"}}
	bylines      = []string{"By Editorial Team", "Posted by admin", "By Jessica Carter | March 3, 2025", "Published on June 12, 2025", "Updated: 2 days ago"}
	comments     = [][2]string{{"Linda R.", "I did not see that coming. Wow."}, {"Mike", "Karma always finds a way!"}, {"Debbie Sullivan", "This made me cry. Thank you for sharing."}, {"Tom K.", "Fake story, but entertaining."}}
)

// page is one rendered example of the genre corpus.
type page struct {
	ID, Story, Variant, Style string
	Text                      string
	AICaptions, Stock         int
}

// renderPages renders each story twice: "plain" (title and body, as a
// chat model returns it) and "page" (the start of a web page as a crawler
// extracts it: 180 to 380 words, with pictures' caption lines in half of
// them, and sometimes navigation, a byline, related-post teasers and
// comments). Deterministic for a story's id.
func renderPages(ws []written) []page {
	var out []page
	for i, w := range ws {
		plain := w.Body
		if w.Title != "" {
			plain = w.Title + "\n\n" + w.Body
		}
		out = append(out, page{ID: w.ID + "#plain", Story: w.ID, Variant: "plain", Style: w.Style, Text: plain})

		rng := rand.New(rand.NewPCG(heldout.Hash64(w.ID), 7))
		var b []string
		if rng.IntN(10) < 3 {
			b = append(b, navLines[rng.IntN(len(navLines))]...)
		}
		if w.Title != "" {
			b = append(b, w.Title)
		}
		if rng.IntN(10) < 4 {
			b = append(b, bylines[rng.IntN(len(bylines))])
		}
		p := page{ID: w.ID + "#page", Story: w.ID, Variant: "page", Style: w.Style}
		withCaptions := rng.IntN(2) == 0 && len(w.Captions) > 0
		ai := rng.IntN(5) < 2
		limit := 180 + rng.IntN(201)
		words := 0
		for _, l := range b {
			words += len(strings.Fields(l))
		}
		paras := strings.Split(w.Body, "\n\n")
		ci := 0
		for k, para := range paras {
			if words >= limit {
				break
			}
			pw := strings.Fields(para)
			if words+len(pw) > limit {
				para = strings.Join(pw[:limit-words], " ")
			}
			b = append(b, para)
			words += len(strings.Fields(para))
			if withCaptions && ci < len(w.Captions) && k%3 == 1 {
				credit := stockCredits[rng.IntN(len(stockCredits))]
				if ai {
					credit = aiCredits[rng.IntN(len(aiCredits))]
					p.AICaptions++
				} else {
					p.Stock++
				}
				line := w.Captions[ci] + credit
				b = append(b, line)
				if rng.IntN(2) == 0 {
					b = append(b, line)
					if ai {
						p.AICaptions++
					} else {
						p.Stock++
					}
				}
				ci++
			}
		}
		if rng.IntN(10) < 3 {
			b = append(b, "Related Posts")
			for k := 1; k <= 3; k++ {
				o := ws[(i+k*37)%len(ws)]
				if o.Title != "" {
					b = append(b, o.Title+"…")
				}
			}
		}
		if rng.IntN(10) < 2 {
			b = append(b, fmt.Sprintf("%d Comments", 2+rng.IntN(40)))
			for k := 0; k < 2; k++ {
				c := comments[rng.IntN(len(comments))]
				b = append(b, c[0]+" says:", c[1])
			}
		}
		p.Text = strings.Join(b, "\n\n")
		out = append(out, p)
	}
	return out
}

// writePages writes the rendered genre pages as JSONL (gzip): the
// machine side of the in-genre corpus, for tests and for a person to read.
func writePages(path string, pages []page) error {
	tmp := path + ".tmp"
	f, err := os.Create(tmp)
	if err != nil {
		return err
	}
	zw, _ := gzip.NewWriterLevel(f, gzip.BestCompression)
	bw := bufio.NewWriter(zw)
	for _, p := range pages {
		rec := map[string]any{"id": p.ID, "text": p.Text, "metadata": map[string]any{
			"label": "machine", "synthetic": true, "story": p.Story, "variant": p.Variant, "style": p.Style,
			"ai_captions": p.AICaptions, "stock_captions": p.Stock}}
		b, _ := json.Marshal(rec)
		bw.Write(b)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if err := zw.Close(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
