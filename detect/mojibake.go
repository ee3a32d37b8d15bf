package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Mojibake: punctuation of UTF-8 text that a site decoded as Windows-1252
// ("donâ€™t") or Windows-874/TIS-620 ("donโ€™t", often with the last
// bytes lost: "donโt") and encoded again. Crawled pages carry it; the
// text model, which learned from clean text, reads it as noise. slop_v2
// mends its own input only: the document and the spans are untouched.
var mojibake = strings.NewReplacer(
	"â€™", "’", "â€˜", "‘", "â€œ", "“", "â€\u009d", "”", "â€”", "—", "â€“", "–", "â€¦", "…",
	"โ€™", "’", "โ€˜", "‘", "โ€œ", "“", "โ€\u009d", "”", "โ€”", "—", "โ€“", "–", "โ€¦", "…",
)

// repairMojibake mends the common mojibake of quotes, dashes and ellipses.
// A lone "โ" (Thai SARA O, left of "โ€™" when the next bytes were lost) is
// mended only in a text that is not Thai: between letters it was an
// apostrophe, elsewhere a quotation mark.
func repairMojibake(s string) string {
	if !strings.Contains(s, "â€") && !strings.Contains(s, "โ") {
		return s
	}
	s = mojibake.Replace(s)
	if !strings.Contains(s, "โ") || thaiText(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range s {
		if r != 'โ' {
			b.WriteRune(r)
			continue
		}
		prev, _ := utf8.DecodeLastRuneInString(s[:i])
		next, _ := utf8.DecodeRuneInString(s[i+len("โ"):])
		if unicode.IsLetter(prev) && unicode.IsLetter(next) && prev < 0x0E00 && next < 0x0E00 {
			b.WriteRune('’')
		} else {
			b.WriteRune('"')
		}
	}
	return b.String()
}

// thaiText reports whether more than one letter in twenty is Thai.
func thaiText(s string) bool {
	thai, letters := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if r >= 0x0E00 && r <= 0x0E7F && r != 'โ' {
				thai++
			}
		}
	}
	return thai*20 > letters
}
