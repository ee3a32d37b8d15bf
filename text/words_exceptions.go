package text

import (
	"strings"
	"sync"
)

// Tokenizer exceptions ("special cases") of spaCy's English language data:
// spacy/lang/tokenizer_exceptions.py (BASE_EXCEPTIONS, emoticons) merged with
// spacy/lang/en/tokenizer_exceptions.py, then expanded with "’" variants of
// every entry containing "'" as spacy.util.update_exc does. Each special
// maps to the byte lengths of its pieces.

var (
	specials       map[string][]uint8
	specialFirst   [256]bool
	specialMaxLen  int
	matcherByFirst map[string][]matcherPattern
	matcherFirstB  [256]bool
)

// matcherPattern is a special case that the affix rules would split; spaCy
// finds its affix-tokenized form in the token stream afterwards and merges
// it back (Tokenizer._apply_special_cases).
type matcherPattern struct {
	toks    []string
	special string
}

func title(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

type excBuilder map[string][]string

func (e excBuilder) add(pieces ...string) { e[strings.Join(pieces, "")] = pieces }

func buildEnglishExceptions() excBuilder {
	e := excBuilder{}
	for _, orth := range []string{"i", "I"} {
		e.add(orth, "'m")
		e.add(orth, "m")
		e.add(orth, "'m", "a")
		e.add(orth, "m", "a")
	}
	for _, pron := range []string{"i", "you", "he", "she", "it", "we", "they"} {
		for _, orth := range []string{pron, title(pron)} {
			e.add(orth, "'ll")
			e.add(orth, "ll")
			e.add(orth, "'ll", "'ve")
			e.add(orth, "ll", "ve")
			e.add(orth, "'d")
			e.add(orth, "d")
			e.add(orth, "'d", "'ve")
			e.add(orth, "d", "ve")
		}
	}
	for _, pron := range []string{"i", "you", "we", "they"} {
		for _, orth := range []string{pron, title(pron)} {
			e.add(orth, "'ve")
			e.add(orth, "ve")
		}
	}
	for _, pron := range []string{"you", "we", "they"} {
		for _, orth := range []string{pron, title(pron)} {
			e.add(orth, "'re")
			e.add(orth, "re")
		}
	}
	for _, pron := range []string{"he", "she", "it"} {
		for _, orth := range []string{pron, title(pron)} {
			e.add(orth, "'s")
			e.add(orth, "s")
		}
	}
	// W-words etc.; "sing" entries have no 're/'ve forms, "plur" no 's.
	for _, w := range []struct {
		word       string
		sing, plur bool
	}{
		{"who", false, false}, {"what", false, false}, {"when", false, false},
		{"where", false, false}, {"why", false, false}, {"how", false, false},
		{"there", false, false}, {"that", true, false}, {"this", true, false},
		{"these", false, true}, {"those", false, true},
	} {
		for _, orth := range []string{w.word, title(w.word)} {
			if !w.plur {
				e.add(orth, "'s")
				e.add(orth, "s")
			}
			e.add(orth, "'ll")
			e.add(orth, "ll")
			e.add(orth, "'ll", "'ve")
			e.add(orth, "ll", "ve")
			if !w.sing {
				e.add(orth, "'re")
				e.add(orth, "re")
				e.add(orth, "'ve")
				e.add(orth, "ve")
			}
			e.add(orth, "'d")
			e.add(orth, "d")
			e.add(orth, "'d", "'ve")
			e.add(orth, "d", "ve")
		}
	}
	for _, v := range []string{"ca", "could", "do", "does", "did", "had", "may", "might", "must",
		"need", "ought", "sha", "should", "wo", "would"} {
		for _, orth := range []string{v, title(v)} {
			e.add(orth, "n't")
			e.add(orth, "nt")
			e.add(orth, "n't", "'ve")
			e.add(orth, "nt", "ve")
		}
	}
	for _, v := range []string{"could", "might", "must", "should", "would"} {
		for _, orth := range []string{v, title(v)} {
			e.add(orth, "'ve")
			e.add(orth, "ve")
		}
	}
	for _, v := range []string{"ai", "are", "is", "was", "were", "have", "has", "dare"} {
		for _, orth := range []string{v, title(v)} {
			e.add(orth, "n't")
			e.add(orth, "nt")
		}
	}
	for _, w := range []string{"doin", "goin", "nothin", "nuthin", "ol", "somethin"} {
		for _, orth := range []string{w, title(w)} {
			e.add(orth)
			e.add(orth + "'")
		}
	}
	for _, w := range []string{"em", "ll", "nuff"} {
		e.add(w)
		e.add("'" + w)
	}
	for h := 1; h <= 12; h++ {
		hs := itoa(h)
		for _, p := range []string{"a.m.", "am", "p.m.", "pm"} {
			e.add(hs, p)
		}
	}
	for _, pieces := range [][]string{
		{"y'", "all"}, {"y", "all"}, {"how", "'d", "'y"}, {"How", "'d", "'y"},
		{"not", "'ve"}, {"not", "ve"}, {"Not", "'ve"}, {"Not", "ve"},
		{"can", "not"}, {"Can", "not"}, {"gon", "na"}, {"Gon", "na"},
		{"got", "ta"}, {"Got", "ta"}, {"let", "'s"}, {"Let", "'s"},
		{"c'm", "on"}, {"C'm", "on"},
	} {
		e.add(pieces...)
	}
	for _, orth := range strings.Fields(`'S 's ‘S ‘s and/or w/o 're 'Cause 'cause 'cos 'Cos 'coz 'Coz 'cuz 'Cuz 'bout
		ma'am Ma'am o'clock O'clock lovin' Lovin' lovin Lovin havin' Havin' havin Havin doin' Doin' doin Doin
		goin' Goin' goin Goin Mt. Ak. Ala. Apr. Ariz. Ark. Aug. Calif. Colo. Conn. Dec. Del. Feb. Fla. Ga. Ia.
		Id. Ill. Ind. Jan. Jul. Jun. Kan. Kans. Ky. La. Mar. Mass. Mich. Minn. Miss. N.C. N.D. N.H. N.J. N.M.
		N.Y. Neb. Nebr. Nev. Nov. Oct. Okla. Ore. Pa. S.C. Sep. Sept. Tenn. Va. Wash. Wis.
		'd a.m. Adm. Bros. co. Co. Corp. D.C. Dr. e.g. E.g. E.G. Gen. Gov. i.e. I.e. I.E. Inc. Jr. Ltd. Md.
		Messrs. Mo. Mont. Mr. Mrs. Ms. p.m. Ph.D. Prof. Rep. Rev. Sen. St. vs. v.s.`) {
		e.add(orth)
	}
	for _, x := range strings.Fields("Ill ill Its its Hell hell Shell shell Shed shed were Were Well well Whore whore") {
		delete(e, x)
	}
	return e
}

// emoticons is the BASE_EXCEPTIONS emoticon list of spaCy 3 (which
// datatrove's tokenizer uses): no `")`, which spaCy 2 had, and with
// [= =] ]= =[.
const emoticons = `:) :-) :)) :-)) :))) :-))) (: (-: =) (= :] :-] [: [-: [= =] :o) (o: :} :-} 8) 8-) (-8 ;) ;-) (; (-;
:( :-( :(( :-(( :((( :-((( ): )-: =( >:( :') :'-) :'( :'-( :/ :-/ =/ =| :| :-| ]= =[ :1 :P :-P :p :-p :O :-O
:o :-o :0 :-0 :() >:o :* :-* :3 :-3 =3 :> :-> :X :-X :x :-x :D :-D ;D ;-D =D xD XD xDD XDD 8D 8-D
^_^ ^__^ ^___^ >.< >.> <.< ._. ;_; -_- -__- v.v V.V v_v V_V o_o o_O O_o O_O 0_o o_0 0_0 o.O O.o O.O
o.o 0.0 o.0 0.o @_@ <3 <33 <333 </3 (^_^) (-_-) (._.) (>_<) (*_*) (¬_¬) ಠ_ಠ ಠ︵ಠ (ಠ_ಠ) ¯\(ツ)/¯
(╯°□°）╯︵┻━┻ ><(((*>`

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return string(rune('0'+n/10)) + string(rune('0'+n%10))
}

// tablesOnce builds the character tables and the exception list on first
// use rather than at start-up, so that a winnow command that never
// tokenizes (help, run without the quality filters) does not pay for them.
var tablesOnce sync.Once

func ready() { tablesOnce.Do(buildTables) }

// Prepare builds the tokenizer's tables now (about 4 ms) rather than on
// the first text tokenized. A program that is about to tokenize can call
// it from a goroutine, to overlap it with other start-up work, as winnow
// score does while its models load. Calling it again does nothing.
func Prepare() { ready() }

func buildTables() {
	initTables()
	initByteClass()
	all := excBuilder{}
	for _, s := range []string{" ", "\t", "\\t", "\n", "\\n", "\u2014", "\u00a0", "'", "\\\")", "<space>", "''", "C++"} {
		all.add(s)
	}
	for c := 'a'; c <= 'z'; c++ {
		all.add(string(c) + ".")
	}
	for _, s := range []string{"ä.", "ö.", "ü."} {
		all.add(s)
	}
	for _, s := range strings.Fields(emoticons) {
		all.add(s)
	}
	for k, v := range buildEnglishExceptions() {
		all[k] = v
	}
	// update_exc → expand_exc(exc, "'", "’").
	for k, v := range all {
		if strings.Contains(k, "'") {
			nv := make([]string, len(v))
			for i, p := range v {
				nv[i] = strings.ReplaceAll(p, "'", "’")
			}
			all[strings.ReplaceAll(k, "'", "’")] = nv
		}
	}
	specials = make(map[string][]uint8, len(all))
	for k, v := range all {
		lens := make([]uint8, len(v))
		for i, p := range v {
			lens[i] = uint8(len(p))
		}
		specials[k] = lens
		specialFirst[k[0]] = true
		h := specialHash(k)
		specialBloom[h>>6] |= 1 << (h & 63)
		if len(k) > specialMaxLen {
			specialMaxLen = len(k)
		}
	}
	// Specials that the affix rules would split go to the special matcher,
	// keyed by the tokens _tokenize_affixes(string, False) produces.
	matcherByFirst = map[string][]matcherPattern{}
	var t Tokenizer
	for k := range specials {
		var inf []tok
		if prefixLen(k) == 0 && suffixLen(k) == 0 && len(infixFind(k, inf, 0)) == 0 && !strings.Contains(k, " ") {
			continue
		}
		t.toks = t.toks[:0]
		t.tokenize(k, false, false)
		var toks []string
		for _, x := range t.toks {
			toks = append(toks, k[x.start:x.end])
		}
		if len(toks) < 2 {
			continue // a single token already equals the special
		}
		matcherByFirst[toks[0]] = append(matcherByFirst[toks[0]], matcherPattern{toks: toks, special: k})
		matcherFirstB[toks[0][0]] = true
	}
	initFastSpecials()
}

// specialBloom is a one-hash Bloom filter over the special strings that
// lets most lookups skip the map.
var specialBloom [1 << 16 / 64]uint64

// specialHash mixes the length and the first and last two bytes of s
// (len(s) >= 1) into 16 bits.
func specialHash(s string) uint32 {
	n := len(s)
	h := uint32(n)*0x9E3779B1 ^ uint32(s[0])*0x85EBCA6B ^ uint32(s[n-1])*0xC2B2AE35
	if n > 1 {
		h ^= uint32(s[1])*0x27D4EB2F ^ uint32(s[n-2])*0x165667B1
	}
	h ^= h >> 15
	h *= 0x2C1B3C6D
	h ^= h >> 13
	return h & 0xFFFF
}

func isSpecial(s string) bool {
	_, ok := specialLens(s)
	return ok
}

func specialLens(s string) ([]uint8, bool) {
	if len(s) == 0 || len(s) > specialMaxLen || !specialFirst[s[0]] {
		return nil, false
	}
	h := specialHash(s)
	if specialBloom[h>>6]&(1<<(h&63)) == 0 {
		return nil, false
	}
	l, ok := specials[s]
	return l, ok
}
