package detect

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/winnowhq/winnow/clean"
)

// lineKind says what slop_v2 makes of one line of a page before it reads
// the story: most lines are story; credits are counted and masked; page
// clutter is masked.
type lineKind uint8

const (
	lineStory      lineKind = iota
	lineAICredit            // an image generator's credit or caption, a made-up-picture disclaimer, generator metadata
	lineStock               // a stock library's or news agency's credit or caption
	lineRepeated            // a copy of the line before it
	lineClutter             // navigation, related-post teasers, share buttons, bylines, comment headers and comments
	lineHeadingRe           // (internal) a related-posts heading: the short lines after it are teasers
	lineCommentsRe          // (internal) a comments heading: the rest of the page is comments
)

// pageLine is one classified line: text[Start:End] without its line break.
type pageLine struct {
	Start, End int
	Kind       lineKind
}

// relatedHeadings start a block of teaser lines; commentHeadings start the
// comments, which are the readers' writing, not the story. Lower case,
// without a final ':'.
var (
	relatedHeadings = set("related posts", "related post", "related", "related stories", "related articles",
		"you may also like", "you might also like", "you may like", "recommended", "recommended for you",
		"recommended stories", "more stories", "more from this author", "read more", "read next", "read also",
		"also read", "trending", "trending now", "trending stories", "popular posts", "popular stories",
		"most popular", "latest posts", "latest stories", "recent posts", "more like this", "don't miss",
		"up next", "more to read", "keep reading", "other stories", "similar stories")
	commentHeadings = set("comments", "comment", "leave a reply", "leave a comment", "join the discussion",
		"join the conversation", "post a comment", "add a comment", "discussion", "responses", "reader comments")
	clutterLines = set("advertisement", "sponsored", "sponsored content", "share", "share this", "share this:",
		"share this article", "share this story", "share on facebook", "share on twitter", "tweet", "pin it",
		"pin", "email", "print", "like this", "like this:", "loading...", "loading…", "skip to content",
		"menu", "home", "search", "close", "privacy policy", "terms of use", "terms of service", "contact us",
		"about us", "contact", "about", "subscribe", "sign up", "log in", "login", "register", "reply",
		"log in to reply", "report", "cancel reply", "next post", "previous post", "next story", "previous story",
		"continue reading", "read more »", "read more", "click here", "load more", "show more", "facebook",
		"twitter", "instagram", "pinterest", "whatsapp", "linkedin", "copy link", "follow us", "newsletter")
)

var (
	// A comment header: "Mary Ellen says:", "Bob said...", "Jane wrote:",
	// optionally with a date after it.
	// The line holds nothing else: "Then she said: get out" is a story.
	reCommentHeader = compileLazy(`^[\p{Lu}][\p{L}\p{N}.'’_\-]*( [\p{L}\p{N}.'’_\-]+){0,3}\s(says|said|wrote|commented|replied)\s*(:|\.\.\.|…)(\s*(on\s+|at\s+)?[\p{L}\p{N} ,:/.-]*\d[\p{L}\p{N} ,:/.-]*)?$`)
	reCommentCount  = compileLazy(`(?i)^\d+\s+(comments?|responses?|replies|thoughts on\b.*)$`)
	// Bylines, dates, tags and the like.
	reByline = compileLazy(`(?i)^(by|written by|posted by|posted on|posted in|published|published on|updated|updated on|filed under|tags|tagged|categories|category|last updated|author|photo credit|source)\b[: ]`)
	reDate   = compileLazy(`(?i)^((mon|tues|wednes|thurs|fri|satur|sun)day,?\s+)?((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}|\d{1,4}[/.-]\d{1,2}[/.-]\d{1,4}|\d+\s+(minutes?|hours?|days?|weeks?|months?|years?)\s+ago)\b`)
	// A date anywhere: a short line holding one ("News 26/04/2025 10:17")
	// is a dateline.
	reDateIn = compileLazy(`(?i)\b((jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}|\d{1,2}\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+\d{4}|\d{1,4}[/.-]\d{1,2}[/.-]\d{2,4})\b`)
	// A teaser: a line that ends in a "read more" link.
	reTeaserEnd = compileLazy(`(?i)(\[…\]|\[\.\.\.\]|read more\s*[»›>]*|continue reading\s*[»›>]*)$`)
	// A short line that says its picture was generated.
	reAILine  = compileLazy(`(?i)^(\W*)(the )?(image|images|photo|photos|picture|pictures|illustration|illustrations|art|artwork|visual|visuals|generated|created|made)\b[^.!?]{0,40}\b(by|with|using|via|from|:)\s+[^.!?]{0,30}\b(ai|a\.i\.)\b`)
	reAIWords = compileLazy(`(?i)\b(ai[- ]generated|generated (by|with|using) ai|ai[- ]created|created (by|with|using) ai|ai image|ai illustration|made with ai)\b`)
)

// bareSources are source names that stand alone on a line, or after a
// separator at the end of one, as an image credit ("Freepik", "… | Pexels").
var bareSources = map[string]bool{ // true: an image generator
	"freepik": false, "pexels": false, "unsplash": false, "pixabay": false, "shutterstock": false,
	"getty images": false, "istock": false, "adobe stock": false, "canva": true, "midjourney": true,
	"dall-e": true, "dall·e": true, "dalle": true, "stable diffusion": true, "leonardo ai": true,
}

// classifyLines splits text into lines and says what each is. found are
// the caption stage's lines (nil when that stage already ran).
func classifyLines(text string, found []clean.Line) []pageLine {
	var out []pageLine
	fi := 0
	block := lineStory // lineHeadingRe inside related teasers, lineCommentsRe after a comments heading
	storySeen := false // a comments heading ends a story: before any, it is a line like another
	for start := 0; start < len(text); {
		nl := strings.IndexByte(text[start:], '\n')
		end, next := len(text), len(text)
		if nl >= 0 {
			end, next = start+nl, start+nl+1
		}
		for fi < len(found) && found[fi].Start < start {
			fi++
		}
		kind := lineStory
		t := strings.TrimSpace(text[start:end])
		switch {
		case t == "":
		case fi < len(found) && found[fi].Start == start:
			switch l := found[fi]; {
			case l.Kind == clean.KindRepeated:
				kind = lineRepeated
			case clean.IsAISource(l.Source) && !photographed(l.Source, t):
				kind = lineAICredit
			default:
				kind = lineStock
			}
		case block == lineCommentsRe:
			kind = lineClutter
		default:
			kind = classifyLine(t)
			switch {
			case kind == lineHeadingRe:
				block, kind = lineHeadingRe, lineClutter
			case kind == lineCommentsRe && !storySeen:
				kind = lineClutter // a lone "Mary says:" opening the text: no story yet for comments to follow
			case kind == lineCommentsRe:
				block, kind = lineCommentsRe, lineClutter
			case block == lineHeadingRe && kind == lineStory && (countWordsUpTo(t, 25) < 25 || cutShort(t)):
				kind = lineClutter // a teaser under "Related posts": a title, or an excerpt cut off
			case block == lineHeadingRe && kind == lineStory:
				block = lineStory
			}
		}
		if kind != lineStory {
			out = append(out, pageLine{Start: start, End: end, Kind: kind})
		} else if t != "" {
			storySeen = true
		}
		start = next
	}
	return out
}

// classifyLine classifies one trimmed, non-empty line that the caption
// stage did not claim. Each expression runs only on lines that hold one
// of its literals.
func classifyLine(t string) lineKind {
	if len(t) > 400 {
		return lineStory
	}
	words := countWordsUpTo(t, 25) // 26: more than 25, all the rules below need to know
	if words > 25 {
		if aiMetaLine(t) {
			return lineAICredit
		}
		return lineStory
	}
	lt := strings.ToLower(t)
	l := strings.TrimRight(lt, ": ")
	l = strings.TrimLeft(l, "#*•·-–— ")
	l = strings.TrimRight(l, "*")
	if relatedHeadings[l] {
		return lineHeadingRe
	}
	if commentHeadings[l] || hasAny(l, "comment", "response", "repl", "thoughts on") && reCommentCount.MatchString(l) {
		return lineCommentsRe
	}
	if clutterLines[l] {
		return lineClutter
	}
	aiWord := hasWordAI(lt)
	if words <= 12 {
		if hasAny(lt, "says:", "said:", "wrote:", "commented:", "replied:", "says...", "said...", "wrote...", "says…", "said…", "wrote…", "says :", "said :") && reCommentHeader.MatchString(t) &&
			!reChatLabel.MatchString(t) { // "ChatGPT said:" is a chat page copied: assistant_leftover counts it
			return lineCommentsRe
		}
		if v, ok := bareSources[strings.Trim(l, "©() ")]; ok {
			if v {
				return lineAICredit
			}
			return lineStock
		}
		if aiWord && (reAILine.MatchString(t) || reAIWords.MatchString(t) && !endsSentence(t)) {
			return lineAICredit
		}
		if words <= 10 && hasPrefixAny(l, bylineWords) && reByline.MatchString(t) ||
			dateLine(t, lt, words) {
			return lineClutter
		}
	}
	if i := strings.LastIndexAny(t, "|/"); i > 0 {
		tail := strings.TrimSpace(t[i+1:])
		if v, ok := bareSources[strings.ToLower(tail)]; ok {
			if v {
				return lineAICredit
			}
			return lineStock
		}
		if aiWord && (reAILine.MatchString(tail) || reAIWords.MatchString(tail)) {
			return lineAICredit
		}
	}
	if hasAny(lt, "[…]", "[...]", "read more", "continue reading") && reTeaserEnd.MatchString(t) {
		return lineClutter
	}
	if aiMetaLine(t) {
		return lineAICredit
	}
	return lineStory
}

// dateLine reports whether line t (lt in lower case, words long) is a
// dateline: reDate from its start, or reDateIn anywhere in a line of six
// words or fewer. Each expression runs only on lines that could match it
// (a digit; for reDate a first character that starts a weekday, a month or
// a number; for reDateIn a month or a date separator), which saves most of
// their cost on web text's many lines with numbers.
//
// Every date either expression matches has a year (four digits in a row),
// or two numbers joined by '/', '.' or '-', or for reDate "ago" ("3 days
// ago"): a line with none of these is not read by either.
func dateLine(t, lt string, words int) bool {
	year, joined := dateDigits(t)
	if !year && !joined && !(strings.Contains(lt, "ago") && strings.ContainsAny(t, "0123456789")) {
		return false
	}
	if (t[0] >= utf8.RuneSelf || dateStart[t[0]]) && reDate.MatchString(t) {
		return true
	}
	return (year || joined) && words <= 6 && (strings.ContainsAny(t, "/.-") || hasAny(lt, months...) || !isASCII(t)) && reDateIn.MatchString(t)
}

// dateDigits reports whether t has four ASCII digits in a row (year) and
// whether it has a digit, then '/', '.' or '-', then a digit (joined).
func dateDigits(t string) (year, joined bool) {
	run := 0
	for i := 0; i < len(t); i++ {
		c := t[i]
		if '0' <= c && c <= '9' {
			if run++; run >= 4 {
				year = true
			}
			continue
		}
		if (c == '/' || c == '.' || c == '-') && run > 0 && i+1 < len(t) && '0' <= t[i+1] && t[i+1] <= '9' {
			joined = true
		}
		run = 0
	}
	return year, joined
}

// dateStart holds the bytes reDate's match can start with, either case.
var dateStart = func() (b [256]bool) {
	for _, c := range []byte("0123456789mtwfsjaond") {
		b[c] = true
		if c >= 'a' {
			b[c-'a'+'A'] = true
		}
	}
	return b
}()

// months are the month names' stems reDateIn looks for.
var months = []string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// aiMetaKeys are the keys of an image generator's settings line
// ("Negative prompt: blurry, Steps: 30, Sampler: Euler a, CFG scale: 7").
var aiMetaKeys = set("negative prompt", "steps", "sampler", "cfg scale", "model hash")

// aiMetaLine reports whether t is an image generator's metadata: its
// settings ("Steps: 30, Sampler: …"), Midjourney's parameters ("--ar
// 16:9 --v 6"), or a "Prompt:"/"Seed:" line that has settings too.
func aiMetaLine(t string) bool {
	if strings.Contains(t, "--ar ") || strings.Contains(t, "--v ") || strings.Contains(t, "--style ") {
		return true
	}
	k := strings.IndexByte(t, ':')
	if k < 0 || k > 20 {
		return false
	}
	switch key := strings.ToLower(strings.TrimSpace(t[:k])); {
	case aiMetaKeys[key]:
		return true
	case key == "prompt" || key == "seed":
		return hasAny(t, "Steps:", "Sampler:", "CFG", "Seed:", "Negative prompt")
	}
	return false
}

// bylineWords start the lines reByline matches.
var bylineWords = []string{"by", "written", "posted", "published", "updated", "filed", "tag", "categor", "last", "author", "photo", "source"}

func hasPrefixAny(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// hasWordAI reports whether the lower-case line has "ai" or "a.i." as a
// word of its own (not inside "said" or "again").
func hasWordAI(l string) bool {
	if strings.Contains(l, "a.i.") {
		return true
	}
	for i := 0; ; {
		j := strings.Index(l[i:], "ai")
		if j < 0 {
			return false
		}
		j += i
		before := j == 0 || !isASCIILetter(l[j-1])
		after := j+2 == len(l) || !isASCIILetter(l[j+2])
		if before && after {
			return true
		}
		i = j + 2
	}
}

func isASCIILetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

func hasAny(s string, subs ...string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}

func endsSentence(t string) bool {
	t = strings.TrimRight(t, `"'”’) `)
	r, _ := utf8.DecodeLastRuneInString(t)
	return r == '.' || r == '!' || r == '?' || r == '…'
}

// photographed reports whether a disclaimer line (source "illustrative"
// or "representative") also credits a photographer or a stock or news
// source ("Photo by Oth - For illustration only", "Getty Images, for
// representation only"): a real photograph used to illustrate, which is a
// stock credit, not a made-up picture.
func photographed(source, line string) bool {
	if source != "illustrative" && source != "representative" {
		return false
	}
	l := strings.ToLower(line)
	return hasAny(l, "photo by ", "photograph by ", "photographed by ", "photo credit", "getty", "shutterstock", "istock",
		"pexels", "unsplash", "pixabay", "freepik", "adobe stock", "alamy", "reuters", "ap photo", "afp", "dreamstime", "depositphotos")
}

// cutShort reports whether line t ends in an ellipsis, as the excerpt of
// a related-post teaser does ("Posted on January 12, 2026, the…").
func cutShort(t string) bool {
	return strings.HasSuffix(t, "…") || strings.HasSuffix(t, "...") || strings.HasSuffix(t, "[…]") || strings.HasSuffix(t, "[...]")
}

// countWordsFast counts the runs of non-space characters of s (spaces as
// unicode.IsSpace says).
func countWordsFast(s string) int { return countWordsUpTo(s, len(s)) }

// countWordsUpTo is countWordsFast(s), or limit+1 once s has more than
// limit words: a line's length in words, read no further than a rule needs.
func countWordsUpTo(s string, limit int) int {
	n, in := 0, false
	for i := 0; i < len(s); {
		var space bool
		if c := s[i]; c < utf8.RuneSelf {
			space = asciiSpace[c]
			i++
		} else {
			r, size := utf8.DecodeRuneInString(s[i:])
			space = unicode.IsSpace(r)
			i += size
		}
		if space {
			in = false
		} else if !in {
			if n == limit {
				return limit + 1
			}
			n++
			in = true
		}
	}
	return n
}

// asciiSpace is unicode.IsSpace over ASCII.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// maskLines returns text with every non-story line's bytes replaced by
// spaces (line breaks kept), so that byte offsets into it are offsets into
// text, and the story's signals do not read credits or clutter.
func maskLines(text string, lines []pageLine) string {
	if len(lines) == 0 {
		return text
	}
	b := []byte(text)
	for _, l := range lines {
		for i := l.Start; i < l.End; i++ {
			if b[i] != '\n' {
				b[i] = ' '
			}
		}
	}
	return string(b)
}
