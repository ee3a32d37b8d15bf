package detect

import "strings"

// Prior carries what earlier stages removed from the text but the
// detector should still count: the clean stage's caption and repeated
// lines (metadata caption_lines_removed, repeated_lines_removed).
type Prior struct {
	Captions, Repeated int
	// AICaptions counts the captions among Captions whose source is an
	// image generator (metadata caption_lines_ai); slop_v2 weighs them
	// apart from stock and agency credits.
	AICaptions int
	// Cleaned says the clean stage ran on the text: no caption or
	// repeated line is left in it to find.
	Cleaned bool
}

// The word lists below are the genre's vocabulary, read off content-farm
// stories ("shocking twist" melodramas). They say what to measure; how much
// each measurement counts is learned (see Model).

var firstPerson = set("i", "me", "my", "mine", "myself", "i'm", "i’m", "i've", "i’ve", "i'd", "i’d", "i'll", "i’ll")

var familyTerms = set(
	"husband", "husband's", "husband’s", "wife", "wife's", "wife’s", "ex-husband", "ex-wife",
	"mother", "mom", "mum", "mother-in-law", "mil", "father", "dad", "father-in-law", "stepmom", "stepmother",
	"stepdad", "stepfather", "stepdaughter", "stepson", "stepsister", "stepbrother",
	"daughter", "son", "sister", "brother", "sister-in-law", "brother-in-law", "daughter-in-law", "son-in-law",
	"fiancé", "fiance", "fiancée", "fiancee", "boyfriend", "girlfriend", "grandmother", "grandma", "grandfather", "grandpa",
	"granddaughter", "grandson", "twin", "twins", "aunt", "uncle", "niece", "nephew", "cousin",
	"marriage", "wedding", "divorce", "affair", "mistress", "inheritance", "will", "newborn", "baby", "pregnant", "pregnancy",
)

// twistPhrases are reveal and twist expressions, as lower-case word
// sequences (apostrophes in both spellings).
var twistPhrases = phrases(
	"the truth", "the real truth", "the whole truth", "secret", "secrets", "never knew", "had no idea", "all along",
	"revealed", "reveal", "revelation", "betrayal", "betrayed", "shattered", "shattering", "devastating", "devastated",
	"dna test", "paternity", "inheritance", "lawyer", "it turned out", "turns out", "little did i know",
	"couldn't believe", "could not believe", "my heart sank", "my heart pounded", "my blood ran cold", "froze",
	"i froze", "hidden", "lies", "lied", "lying", "deceived", "deception", "unthinkable", "unimaginable",
	"heartbreaking", "gasped", "stunned", "in shock", "trembling", "tears streaming", "what i found", "what i discovered",
	"i discovered", "i found out", "the envelope", "the letter", "the will", "the note", "karma", "payback", "revenge",
	"how could you", "you knew", "everything changed", "nothing could have prepared me", "i never imagined",
	"the shocking", "shocking", "twist", "it was her", "it was him", "it was all a lie", "a lie", "pawn",
)

// twistByFirst indexes twistPhrases by their first word.
var twistByFirst = func() map[string][][]string {
	m := map[string][][]string{}
	for _, p := range twistPhrases {
		m[p[0]] = append(m[p[0]], p)
	}
	return m
}()

// titleHooks are words of the genre's titles.
var titleHooks = []string{
	"shocking", "secret", "truth", "revealed", "found out", "discovered", "what i found", "what happened next",
	"changed everything", "everything changed", "but then", "left everything", "kicked me out", "refused to",
	"on our wedding", "at the funeral", "after the funeral", "dna", "inheritance", "will reading", "my husband",
	"my wife", "my mother-in-law", "my mil", "my stepmom", "my daughter", "my son", "my sister", "my fiancé",
	"my boss", "my neighbor", "my neighbour", "entitled", "karma", "taught", "a lesson",
}

// acronyms are all-caps words that are not shouting.
var acronyms = set(
	"USA", "US", "UK", "EU", "UN", "FBI", "CIA", "NSA", "CEO", "CFO", "CTO", "HR", "TV", "DNA", "ER", "ICU",
	"NASA", "COVID", "AIDS", "HIV", "PhD", "MBA", "ATM", "GPS", "PDF", "URL", "HTML", "API", "USB", "CPU", "GPU",
	"AM", "PM", "OK", "NYC", "LA", "DC", "NY", "CA", "TX", "BBC", "CNN", "NBA", "NFL", "MLB", "NHL", "FIFA", "UEFA",
	"AI", "ML", "NGO", "IRS", "DMV", "CPR", "EMT", "ASAP", "FAQ", "DIY", "RIP", "LOL", "OMG", "WTF", "TLDR", "TL", "DR",
	"AITA", "WIBTA", "TIFU", "NTA", "YTA", "ESH", "NAH", "SO", "BF", "GF", "MIL", "FIL", "SIL", "BIL", "DH", "DW",
)

func set(words ...string) map[string]bool {
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w] = true
	}
	return m
}

func phrases(ps ...string) [][]string {
	var out [][]string
	for _, p := range ps {
		ws := strings.Fields(p)
		out = append(out, ws)
		if strings.Contains(p, "'") {
			out = append(out, strings.Fields(strings.ReplaceAll(p, "'", "’")))
		}
	}
	return out
}
