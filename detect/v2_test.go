package detect

import (
	"math"
	"math/bits"
	"strings"
	"testing"
)

// v2 returns slop_v2's signals of text (the learned model's left at 0).
func v2(text string) map[string]Signal {
	sigs, _ := extractV2(text, Prior{})
	m := map[string]Signal{}
	for _, s := range sigs {
		m[s.Name] = s
	}
	return m
}

// rate is n per 1,000 words in a text shorter than minWords.
func rate(n int) float64 { return 1000 * float64(n) / minWords }

// spansText returns the text each span of s covers.
func spansText(text string, s Signal) []string {
	r := []rune(text)
	var out []string
	for _, sp := range s.Spans {
		out = append(out, string(r[sp[0]:sp[1]]))
	}
	return out
}

type sigCase struct {
	name   string
	text   string
	signal string
	want   float64
	spans  []string // the evidence, when checked
}

func runSigCases(t *testing.T, cases []sigCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := v2(c.text)[c.signal]
			if math.Abs(s.Value-c.want) > 1e-9 {
				t.Errorf("%s = %v, want %v (spans %q)", c.signal, s.Value, c.want, spansText(c.text, s))
			}
			if c.spans != nil && strings.Join(spansText(c.text, s), "|") != strings.Join(c.spans, "|") {
				t.Errorf("%s spans %q, want %q", c.signal, spansText(c.text, s), c.spans)
			}
		})
	}
}

func TestCreditsV2(t *testing.T) {
	const story = "I opened the door and there he was.\n\n"
	runSigCases(t, []sigCase{
		{"midjourney caption", story + "A worried woman sitting on a bed | Source: Midjourney\n", SigAICredit, 1, []string{"A worried woman sitting on a bed | Source: Midjourney"}},
		{"repeated caption counts twice", story + "A man | Source: Midjourney\n\nA man | Source: Midjourney\n", SigAICredit, 2, nil},
		{"image by an AI", story + "An old house at night | Image by RM AI\n", SigAICredit, 1, nil},
		{"bare image by AI", story + "Image by RM AI\n", SigAICredit, 1, nil},
		{"illustrative disclaimer", story + "For illustrative purposes only\n", SigAICredit, 1, nil},
		{"a photographer's photo used to illustrate", story + "Photo by Oth - - For illustration only\n", SigAICredit, 0, nil},
		{"a photographer's photo is stock", story + "Photo by Oth - - For illustration only\n", SigStockCredit, 1, nil},
		{"stock for representation", story + "Getty Images, for representation only\n", SigAICredit, 0, nil},
		{"illustrative and generated", story + "Image for illustrative purposes only | Source: Midjourney\n", SigAICredit, 1, nil},
		{"generator metadata", story + "Negative prompt: blurry, Steps: 30, Sampler: Euler a, CFG scale: 7\n", SigAICredit, 1, nil},
		{"stock is not AI", story + "A smiling woman | Source: Pexels\n", SigAICredit, 0, nil},
		{"pexels caption", story + "A smiling woman | Source: Pexels\n", SigStockCredit, 1, nil},
		{"bare freepik", story + "Freepik\n", SigStockCredit, 1, nil},
		{"caption with bare freepik", story + "A woman crying in a kitchen | Freepik\n", SigStockCredit, 1, nil},
		{"news credit", story + "Photo: Getty Images\n", SigStockCredit, 1, nil},
		{"stock photo", story + "A sad man on a bench (Stock Photo)\n", SigStockCredit, 1, nil},
		{"prose naming a host", story + "I found the photo on Unsplash and printed it for her.\n", SigStockCredit, 0, nil},
		{"prose naming an AI", story + "My son said the picture was made with AI, but I did not believe him at all.\n", SigAICredit, 0, nil},
	})
}

func TestGateStock(t *testing.T) {
	sigs := make([]Signal, len(signalNamesV2))
	sigs[idxV2[SigStockCredit]].Value = 3
	gateByModel(sigs, 0.5)
	if got, want := sigs[idxV2[SigStockCredit]].Value, math.Log1p(3)*0.5; math.Abs(got-want) > 1e-12 {
		t.Errorf("gated stock = %v, want %v", got, want)
	}
}

func TestClutterMasked(t *testing.T) {
	runSigCases(t, []sigCase{
		{"related teasers", "I never saw it coming.\n\nRelated Posts\nMy Sister Stole My Fiancé…\nThe Day My Mother-in-Law Came Back…\n", SigEllipsis, 0, nil},
		{"long teaser excerpt", "I never saw it coming.\n\nRelated Posts\nA Star's Daughter Marks Her Birthday\nThe actress sent social media into a frenzy after sharing a touching carousel of photos celebrating her daughter's eighteenth birthday with friends and family. Posted on January 12, the…\n", SigEllipsis, 0, nil},
		{"long line ends the related block", "Related Posts\nMy Sister Stole My Fiancé\nI never saw it coming, and when it came it took everything I had built over twenty years of marriage and two children and a house by the lake... and then it was gone.\n", SigEllipsis, rate(1), []string{"..."}},
		{"comment headers and comments", "I never saw it coming.\n\n3 Comments\nMary Ellen says:\nSo sad... I cried...\nBob said...\nfake\n", SigEllipsis, 0, nil},
		{"comment header alone", "I never saw it coming.\n\nDebbie said...\nWhat a story… wow…\n", SigEllipsis, 0, nil},
		{"no comments before the story", "Debbie said...\nI never saw it coming… and then… it came.\n", SigEllipsis, rate(2), nil},
		{"read more teaser", "I never saw it coming.\n\nHer husband came home early and found the letter… Read more »\n", SigEllipsis, 0, nil},
		{"story ellipses count", "I waited… and waited... nothing.\n", SigEllipsis, rate(2), []string{"…", "..."}},
		{"share buttons", "I was done.\nShare this:\nFacebook\nTwitter\n", SigFirstPerson, 100.0 / minWords, nil},
	})
	// Spans still point into the original text after masking.
	text := "Home\nMenu\nI froze.\n"
	s := v2(text)[SigIdiom]
	if got := spansText(text, s); len(got) != 1 || got[0] != "I froze" {
		t.Errorf("idiom spans %q", got)
	}
}

func TestShoutedV2(t *testing.T) {
	runSigCases(t, []sigCase{
		{"standalone reveal", "I saw her eyes.\n\nNO. IT CAN'T BE.\n", SigShouted, rate(1), []string{"NO. IT CAN'T BE"}},
		{"reveal in prose", "And then I saw it. THAT WAS MY MOTHER'S RING. I sat down.", SigShouted, rate(1), []string{"THAT WAS MY MOTHER'S RING"}},
		{"advice column", "DEAR ABBY: My husband's mother visits every Sunday without calling.", SigShouted, 0, nil},
		{"heading line", "DEAR ABBY\nMy husband's mother visits every Sunday.", SigShouted, 0, nil},
		{"byline", "BY JANE DOE\nThe council met on Tuesday.", SigShouted, 0, nil},
		{"small caps opening", "SHE WAS only twelve when her father left.", SigShouted, 0, nil},
		{"dateline", "NEW YORK — The mayor said on Monday that the plan would go ahead.", SigShouted, 0, nil},
		{"forum label", "UPDATE: she apologised.", SigShouted, 0, nil},
		{"acronyms", "My MIL and SIL went to the DMV with the CEO.", SigShouted, 0, nil},
	})
}

func TestPhrasesV2(t *testing.T) {
	runSigCases(t, []sigCase{
		{"gender reveal is a party", "We had a gender reveal party for the baby.", SigTwist, 0, nil},
		{"the truth", "Then I learned the truth about him.", SigTwist, rate(1), []string{"the truth"}},
		{"longest first, once", "I learned the whole truth.", SigTwist, rate(1), []string{"the whole truth"}},
		{"idiom once, not twice", "I froze in the doorway.", SigIdiom, rate(1), []string{"I froze"}},
		{"froze is not a twist word", "I froze in the doorway.", SigTwist, 0, nil},
		{"blood run cold", "What she said made my blood run cold.", SigIdiom, rate(1), []string{"made my blood run cold"}},
		{"stomach dropped", "My stomach dropped when I read it.", SigIdiom, rate(1), nil},
		{"slop phrase", "She took a deep breath and opened the letter.", SigSlopPhrases, rate(1), []string{"took a deep breath"}},
		{"not x but y", "It wasn't anger. It was grief.", SigSlopPhrases, rate(1), nil},
		{"plain prose", "We went to the shop and bought some bread.", SigSlopPhrases, 0, nil},
		{"slop words", "Her unwavering love was a testament to us.", SigSlopWords, rate(2), []string{"unwavering", "testament"}},
		{"slop words, any case", "Testament. TESTAMENT.", SigSlopWords, rate(2), nil},
		{"no slop words", "We went to the shop and bought some bread.", SigSlopWords, 0, nil},
		{"assistant register", "Firstly, it is important to delve into the past. It's important to remember.", SigRegister, rate(4), []string{"Firstly", "it is important to", "delve into", "It's important to"}},
		{"no assistant register", "First, we ate. Then we talked about the dog.", SigRegister, 0, nil},
	})
}

func TestTitleV2(t *testing.T) {
	for title, want := range map[string]bool{
		"I Forced Him to Leave… But He Left Everything Behind for Me":                                                                                                                           true,
		"My Stepmom Threw My Things on the Lawn — Three Days Later, a Lawyer Knocked on Her Door":                                                                                               true,
		"Rich Groom's Mother Mocked the Bride's Poor Dad at the Wedding — Then He Took the Microphone":                                                                                          true,
		"Woman Finds a Second Phone in Her Husband's Car — Story of the Day":                                                                                                                    true,
		"My Neighbor Blocked My Driveway Every Morning for Three Months and Laughed at Me — The Day I Called a Tow Truck, Her Husband Finally Learned the Truth About Where She Had Been Going": true,
		"My Mother-In-Law Won't Stop Visiting Unannounced. What Do I Do?":                                                                                                                       false,
		"Dear Abby: My Mother-In-Law Reads My Mail":                                                                                                                                             false,
		"AITA for Refusing to Go to My Sister's Wedding":                                                                                                                                        false,
		"City Council Approves New Budget for Parks":                                                                                                                                            false,
		"How to Talk to Your Mother-In-Law About Boundaries":                                                                                                                                    false,
		"I went to the shop.": false,
		// An address line with a dash and a word ending in "ed".
		"Spaeth Transfer Inc - Agent for Allied Van Lines1231 Hollis St, Bremerton, WA 98310": false,
		"Smith & Sons Roofing - Licensed and Insured Contractors Serving the Valley":          false,
		// Question titles: the farms' first-person story, a dash, the question.
		"I Made My Fiancé Regret Cheating on Me with My Best Friend – Was I Right to Make Him Cry at the Altar?": true,
		"My MIL Wore White to My Wedding — Was I Wrong to Ask Her to Leave?":                                     true,
		"AITA for Refusing to Go to My Sister's Wedding?":                                                        false,
		"Woman Refuses to Let Her Mother-In-Law Wear White — Is She Wrong?":                                      false,
		"i told my sister she can't bring her kids - was i wrong?":                                               false,
		"My Husband Wants to Move Closer to His Mother. Should We?":                                              false,
	} {
		if got := isGenreTitleV2(title); got != want {
			t.Errorf("isGenreTitleV2(%q) = %v, want %v", title, got, want)
		}
	}
	runSigCases(t, []sigCase{
		{"title under a dateline", "News 26/04/2025 10:17\n\nAfter My Father's Death, My Stepmom Kicked Me Out — I Never Expected She'd Beg Me to Return\n\nWhen my dad remarried.", SigTitle, 1, nil},
		{"title after navigation", "Home\nMenu\nMy Husband Hid a Second Phone — What I Found Made Me Pack Our Bags\n\nIt started on a Tuesday.", SigTitle, 1, []string{"My Husband Hid a Second Phone — What I Found Made Me Pack Our Bags"}},
	})
}

func TestGenreCuesV2(t *testing.T) {
	runSigCases(t, []sigCase{
		{"assistant preface", "Sure! Here's a shorter version of your story that preserves the emotional beats:\n\nI never thought my sister would do it.", SigAssistant, 1, []string{"Sure! Here's a shorter version of your story that preserves the emotional beats:"}},
		{"assistant rewrite", "Absolutely — I've rewritten it with a stronger twist:\n\nIt began at the wedding.", SigAssistant, 1, nil},
		{"assistant retelling", "Here's a 1,000-word retelling shaped like a tabloid novella:\n\nIt began at the wedding.", SigAssistant, 1, nil},
		{"assistant offer", "And that was the end of it.\n\nWould you like me to make it more dramatic or add a title?", SigAssistant, 1, nil},
		{"not an assistant", "Sure, I'll help you move on Saturday.", SigAssistant, 0, nil},
		{"chat page label", "ChatGPT said:\nWendy made it clear my grandson wasn't welcome at her wedding.", SigAssistant, 1, []string{"ChatGPT said:"}},
		{"chat page labels", "You said:\nwrite a story about my mil\nChatGPT said:\nIt began at the wedding.", SigAssistant, 2, nil},
		{"said in prose", "And ChatGPT said: try again later. So I did.", SigAssistant, 0, nil},
		{"word count note", "And that was the last time I saw him.\n\nWord count: ~850", SigAssistant, 1, []string{"Word count: ~850"}},
		{"word count in the story", "Trial 1 - \"Blade of Eternity\" (word count: 3) Target destroyed. Trial 2 (word count: 1) failed.", SigAssistant, 0, nil},
		{"numbered part", "Part 1: The Invitation\n\nThe card came on a Monday.", SigScaffold, 1, []string{"Part 1: The Invitation"}},
		{"backstory", "Backstory.\nI married Tom in 2009.", SigScaffold, 1, nil},
		{"bolded name", "**Margaret:** I will not have her at my table.", SigScaffold, 1, nil},
		{"act heading", "**Act II**\nThe truth came out at dinner.", SigScaffold, 1, nil},
		{"part in prose", "I took part in the race and came second.", SigScaffold, 0, nil},
		{"title label on top", "Title: The Envelope\n\nI found it under the mat.", SigScaffold, 1, []string{"Title: The Envelope"}},
		{"title labels of a catalogue", "Ballads Online\nSearch again:\nResults:\n1st Ballad\nTitle: The signalman on the line\nThemes: Railways\n2nd Ballad\nTitle: One of the boys\nThemes: Drinking\n", SigScaffold, 0, nil},
		{"a label counts once", "Backstory.\nI married Tom.\n\nThe Twist:\nHe lied.\n\nThe Twist:\nShe lied too.", SigScaffold, 2, []string{"Backstory.", "The Twist:"}},
		{"hello readers", "Hello Readers, today I have a story for you.", SigEngagement, 1, []string{"Hello Readers"}},
		{"viewers and subscribe", "Hey viewers, before we move on, please subscribe.", SigEngagement, 3, nil},
		{"tell me was I wrong", "So tell me, was I wrong?", SigEngagement, 1, nil},
		{"plain was I wrong", "Was I wrong?", SigEngagement, 0, nil},
		{"comments", "Tell me in the comments what you would have done.", SigEngagement, 1, nil},
		{"teaser", "I would get even. No one could see coming what was about to happen next… We met in 2019.", SigEngagement, 1, []string{"what was about to happen next"}},
		{"teaser, plain", "I had no idea what would happen at the party.", SigEngagement, 0, nil},
		{"section headings", "Losing my husband broke us. Then my mother-in-law threw me out.\nA Marriage Shadowed by Tension\nWhen I married Ryan, I knew his mother did not like me at all, and I told my sister so.\nThe Day Everything Changed\nThen Ryan was gone, and my children and I were on our own. I cried for days and my kids cried with me.\n", SigScaffold, 2, []string{"A Marriage Shadowed by Tension", "The Day Everything Changed"}},
		{"one heading", "I married Ryan in June and I thought my life was set, and my mother agreed with me.\nThe Day Everything Changed\nThen Ryan was gone, and my children and I were on our own. I cried for days and my kids cried with me.\n", SigScaffold, 0, nil},
		{"headings of an advice column", "We have been married for 33 years and I found out my husband has a second family.\nReader's Question\nI am devastated, I do not know what to do, and my daughter is devastated too. Please help me.\nPsychologist's Reply\nThere are many reasons why, after 33 years together, you would struggle with your decision.\n", SigScaffold, 0, nil},
		{"headings in a news story", "The council met on Monday to approve the budget for the year.\nNew Parks Budget\nThe plan adds two parks and a pool in the north of the city.\nWhat Happens Next\nA public meeting will be held in the town hall next month.\n", SigScaffold, 0, nil},
		{"fragment cascade", "He never came home.\n\nNo call.\nNo message.\nNothing.\n", SigFragments, rate(1), []string{"No call.\nNo message.\nNothing"}},
		{"two fragments are not a cascade", "He left. I cried. Then I slept for a very long time.", SigFragments, 0, nil},
		{"moral close", "We sold the house that spring.\n\nSome betrayals don't end a family. They reveal it.", SigMoral, 1, []string{"Some betrayals don't end a family"}},
		{"changes you forever", "I still think of her.\n\nBetrayal this deep changes you forever.", SigMoral, 1, nil},
		{"no moral", "We sold the house that spring and moved to Leeds.", SigMoral, 0, nil},
	})
}

func TestFamilyAndFirstPersonV2(t *testing.T) {
	runSigCases(t, []sigCase{
		{"first person", "I told my husband that I was leaving.", SigFirstPerson, 100.0 * 3 / minWords, nil},
		{"family", "My mother-in-law and my husband laughed at the wedding.", SigFamily, rate(3), []string{"mother-in-law", "husband", "wedding"}},
	})
}

// Every v2 signal has a case above, or is computed from ones that do.
func TestEverySignalTested(t *testing.T) {
	tested := map[string]bool{SigDrama: true, SigModel: true, SigExclaim: true, SigRepeated: true, SigShortParas: true, SigIntro: true, SigUniform: true}
	for _, c := range [][]string{{SigAICredit, SigStockCredit, SigEllipsis, SigShouted, SigTwist, SigIdiom, SigSlopPhrases, SigSlopWords, SigRegister, SigTitle, SigAssistant, SigScaffold, SigEngagement, SigFragments, SigMoral, SigFirstPerson, SigFamily}} {
		for _, n := range c {
			tested[n] = true
		}
	}
	for _, n := range signalNamesV2 {
		if !tested[n] {
			t.Errorf("signal %s has no table test", n)
		}
	}
}

func TestRepeatedAndExclamationV2(t *testing.T) {
	runSigCases(t, []sigCase{
		{"repeated line", "He left.\n\nA quiet street at night\n\nA quiet street at night\n", SigRepeated, 1, nil},
		{"exclamations per sentence", "Stop! Now! Please.", SigExclaim, 2.0 / 20, nil},
		{"short paragraphs", "He left.\n\nI waited all night by the window for him.\n\nNothing.\n\n" + strings.Repeat("word ", 31) + "\n", SigShortParas, 0.75, nil},
		{"one block is not measured", "He left. I waited. Nothing happened at all.", SigShortParas, 0, nil},
		{"three paragraphs are not measured", "He left.\n\nI waited.\n\nNothing.", SigShortParas, 0, nil},
		{"even sentences", "The house stood at the end of the road. The garden had grown wild in the spring. The windows were dark and the door was shut. Nobody had lived there for many long years. I walked up the path toward the old porch.", SigUniform, (uniformKnot - math.Sqrt(0.24)/8.6) / uniformKnot, nil}, // lengths 9, 8, 9, 8, 9
		{"varied sentences", "No. I waited by the door for an hour and then another, and he still did not come home to us. Nothing. Then the phone rang, and it was my sister, crying so hard I could not understand a single word she said. Why?", SigUniform, 0, nil},
		{"too few sentences", "The house stood at the end of the road. The garden had grown wild.", SigUniform, 0, nil},
		{"narrator intro", "My name is Emily, and I'm 28 now. My dad died last spring.", SigIntro, 1, []string{"My name is Emily, and I'm 28"}},
		{"narrator intro, short form", "My name’s Rachel, I’m twenty-nine, and I was about to get married.", SigIntro, 1, nil},
		{"name without age", "My name is Emily and I'm tired of this.", SigIntro, 1, []string{"My name is Emily"}},
		{"not a name", "My name is not important here.", SigIntro, 0, nil},
		{"age without name", "I'm 28 and my husband is 30.", SigIntro, 0, nil},
		{"I'm name, age", "I'm Marcus, 41, and until last spring I thought my marriage was solid.", SigIntro, 1, []string{"I'm Marcus, 41"}},
		{"I'm not a name", "I'm not 30 yet.", SigIntro, 0, nil},
	})
}

func TestEngagementAnchorsAcrossLines(t *testing.T) {
	// Two anchors of one pattern on different lines, the later one first
	// in the anchor list: both lines count, once each.
	text := "Hey guys, I am back.\nThen she said: hello everyone, sit down.\n"
	if got := v2(text)[SigEngagement].Value; got != 2 {
		t.Errorf("engagement = %v, want 2", got)
	}
}

func TestCommentHeaderIsWholeLine(t *testing.T) {
	for line, want := range map[string]bool{
		"Mary Ellen says:": true,
		"Bob said...":      true,
		"Jane Doe says: March 3, 2024 at 4:12 pm": true,
		"Then she said: hello everyone":           false,
		"My mother said: get out of my house":     false,
	} {
		if got := classifyLine(line) == lineCommentsRe; got != want {
			t.Errorf("%q is a comment header: %v, want %v", line, got, want)
		}
	}
}

func TestAssistantNotHumanOffers(t *testing.T) {
	for _, text := range []string{
		"Feel free to share your own inheritance stories below.",
		"Let me know if you'd like the recipe.",
		"Would you like me to come over on Sunday, Mum asked.",
		"Okay, I have one of these. Names changed to protect the living.",
		"Sure, let me tell you what happened next.",
	} {
		if got := v2(text)[SigAssistant].Value; got != 0 {
			t.Errorf("%q: assistant_leftover = %v, want 0", text, got)
		}
	}
}

// FuzzExtractV2: any text, valid UTF-8 or not, gives finite values and
// spans inside the text, and never panics.
func FuzzExtractV2(f *testing.F) {
	for _, s := range []string{
		"", "\n\n\n", "NO. IT CAN'T BE.", "Related Posts\nA…\nB…\n3 Comments\nMary says:\nhi",
		"Sure! Here's a shorter version:\n\nMy name is Emily, and I'm 28. It wasn't anger. It was grief.",
		"A woman | Source: Midjourney\nA woman | Source: Midjourney\nFreepik\n[Insert Name]",
		"**Part 1:** The Invitation\n\nNo call.\nNo text.\nNothing.\n\nSome betrayals change you forever.",
		"\xff\xfe bad \xc3 utf8 — “quotes” …",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sigs, story := extractV2(text, Prior{})
		if len(story) != len(head(text, ReadBytesV2)) {
			t.Fatalf("masked story is %d bytes, text %d", len(story), len(text))
		}
		n := len([]rune(text))
		for _, s := range sigs {
			if math.IsNaN(s.Value) || math.IsInf(s.Value, 0) || s.Value < 0 {
				t.Fatalf("%s = %v", s.Name, s.Value)
			}
			for _, sp := range s.Spans {
				if sp[0] < 0 || sp[1] > n || sp[0] > sp[1] {
					t.Fatalf("%s span %v outside [0, %d]", s.Name, sp, n)
				}
			}
		}
	})
}

func TestRepairMojibake(t *testing.T) {
	for in, want := range map[string]string{
		"She didnโt take it well. โBut you promised,โ she said.": "She didn’t take it well. \"But you promised,\" she said.",
		"donâ€™t â€œstopâ€\u009d â€” wait â€¦":                   "don’t “stop” — wait …",
		"donโ€™t":                     "don’t",
		"clean text, nothing to mend": "clean text, nothing to mend",
		"โรงเรียนของเรา":              "โรงเรียนของเรา", // Thai stays Thai
	} {
		if got := repairMojibake(in); got != want {
			t.Errorf("repairMojibake(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestLazyRegexps compiles every expression of the package that is
// compiled on first use, so that a bad one fails here, not in a run.
func TestLazyRegexps(t *testing.T) {
	res := []*lazyRegexp{reCommentHeader, reCommentCount, reByline, reDate, reDateIn, reTeaserEnd, reAILine, reAIWords, reChatLabel}
	for _, ps := range [][]pattern{assistantPatterns.patterns, engagementPatterns.patterns, scaffoldPatterns} {
		for _, p := range ps {
			res = append(res, p.re)
		}
	}
	for _, r := range res {
		func() {
			defer func() {
				if e := recover(); e != nil {
					t.Errorf("%s: %v", r, e)
				}
			}()
			r.get()
		}()
	}
}

// TestLookupLexicon: the bit filter in front of the lexicon map never
// hides a word that is in it.
func TestLookupLexicon(t *testing.T) {
	for w, e := range lexicon {
		if lookupLexicon(w) != e {
			t.Fatalf("lookupLexicon(%q) misses a lexicon word", w)
		}
	}
	set := 0
	for _, x := range lexiconBits {
		set += bits.OnesCount64(x)
	}
	t.Logf("%d words, %d of %d bits set", len(lexicon), set, len(lexiconBits)*64)
	if lookupLexicon("") != nil || lookupLexicon("zzzqqq") != nil {
		t.Error("found a word not in the lexicon")
	}
}
