// Package clean holds winnow's cleaning stages: filters that keep every
// document and rewrite its text.
//
// # caption_clean_v1
//
// Content-farm stories are padded with stock or AI images whose captions
// survive crawling as lines of their own, often twice in a row:
//
//	It was us against the world.
//
//	A worried woman sitting on a bed | Source: Midjourney      <- Caption
//
//	A worried woman sitting on a bed | Source: Midjourney      <- Caption
//
//	He stared at me, his eyes wide and disbelieving.
//
// Caption (NewCaption, DefaultCaption) removes three kinds of line:
//
//	KindCaption   a short descriptive line ending in a credit whose source is an
//	              image source: "… | Source: Pexels", "… – Photo: Getty Images",
//	              "… (Image: Shutterstock)", "… · Photo by Jane Doe on Unsplash",
//	              "… / Jane Doe, Getty Images", "… (AP Photo/Evan Vucci)"
//	KindCredit    the same credit with no description: "Source: Midjourney",
//	              "Photo by Jane Doe on Unsplash", "Image credit: Getty Images",
//	              "REUTERS/Kevin Lamarque", "For illustrative purposes only",
//	              "Representative image", "AI-generated image"
//	KindRepeated  a line identical, after trimming whitespace, to the previous
//	              non-blank line (blank lines between them ignored), if it has a
//	              letter; the first copy stays ("}" and "+" lines of code stay)
//
// A caption that is repeated goes entirely: both copies are KindCaption lines.
//
// # What is a credit
//
// The sources, the marker words and the agencies are tables in tables.go.
// A line is a caption or credit when, matched case-insensitively with any
// dash, "·" or "•" read as "-" and any whitespace as one space:
//
//   - it is at most MaxChars code points and MaxWords words (200, 25);
//   - it ends (before closing ")", "]", ".", quotes) with a source name:
//     an AI generator (Midjourney, DALL·E, Stable Diffusion, Gemini, Canva,
//     "AI", …), a stock library or photo host (Pexels, Unsplash, Getty
//     Images, Shutterstock, Flickr, Wikimedia Commons, …), a news agency,
//     or a disclaimer ("for illustrative purposes only");
//   - the name is introduced by a marker ("Source:", "Photo:", "Image via",
//     "Credit:", "©", "Photo by NAME on", "Generated with", …), or, for
//     names that are nothing but image credits (Getty Images,
//     Shutterstock, iStock, Alamy, AP Photo, …) and for disclaimers, stands
//     after a separator ("|", "/", "(", a dash, …);
//   - a marker that is also an ordinary noun ("photo", "image", "via")
//     follows a separator or starts the line, so "Best for free photos:
//     Unsplash" stays; "Source:", "Credit:", "©" and "Photo by" may follow
//     a plain space;
//   - a news agency (Reuters, AP, AFP, EPA) is a credit only with an image
//     marker ("Photo: Reuters", "REUTERS/Name"); "Source: Reuters" cites a
//     text and stays;
//   - the description before the credit is one phrase: a sentence end
//     followed by a capital ("He left. She cried | Source: Pexels", and,
//     conservatively, "Dr. Smith | Photo: AP") makes the line prose.
//
// So a sentence that mentions a source ("I found the photo on Unsplash and
// printed it", "As a Gemini, I never sit still."), a paragraph that ends
// in "Source: Reuters", and "Source: my own experience" all stay.
//
// Most lines are rejected by two byte-level checks, with no allocation:
// longer than 4×MaxChars bytes, or not ending in a source name (a suffix
// table indexed by the last byte) nor in "AGENCY/Name". Only the few that
// pass run the grammar, a regular expression built from the tables.
//
// # Lines and blank lines
//
// Lines end in "\n"; a "\r" before it belongs to the line break, and
// "\r\n" texts keep their "\r\n". Cut removes a line with its line break
// and keeps the blank lines around it so that paragraphs neither merge nor
// drift apart: where removed lines stood between two kept lines, as many
// blank lines stay as the longest run of blank lines there was. "A\n\nCAP\n\nCAP\n\nB"
// becomes "A\n\nB" and "A\n\nCAP\nB" becomes "A\n\nB". A text that did not
// end in a line break still does not.
//
// # Detectors
//
// FindLines (and Caption.FindLines, Caption.Lines, which shares the result
// through doc.Doc.Memo) reports the spans it removes in the original text,
// with their Kind and Source, so that a detector can point at them; Cut
// applied to those spans is exactly the stage's output. The stage records
// the counts in the metadata of every document it sees, 0 included:
//
//	caption_lines_removed   KindCaption and KindCredit lines
//	caption_lines_ai        those of them whose source is an image generator
//	                        or a made-up-picture disclaimer (IsAISource)
//	repeated_lines_removed  KindRepeated lines
//
// Captions that never reach the text (an HTML page's <figcaption>s, which
// extraction leaves out: metadata image_captions, set by extract_v1) are
// counted by CountCredits, with the same rules, for the detector.
//
// # Usage
//
//	c, err := clean.NewCaption(clean.DefaultCaption())
//	if err != nil {
//		return err
//	}
//	c.Transform(d) // d.Text rewritten if something was removed
//
// # Concurrency
//
// A Caption holds only its configuration and may be used from many
// goroutines at once; a doc.Doc must not be shared while it runs.
package clean
