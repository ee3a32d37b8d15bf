// Package htmldate finds the publication date a web page declares. It is
// winnow's own code, written for winnow, standing in for
// github.com/markusmobius/go-htmldate through a replace directive in
// winnow's go.mod: go-trafilatura calls only FromDocument, Options and
// Result, and only when extract.Config.Dates is set.
//
// Why: the original parses dates written in any of 200 languages through
// go-dateparser, whose package initialisation compiles its regular
// expressions at start-up: 0.3 s and 78 MB on every winnow invocation,
// winnow help included, whether or not dates are wanted. winnow needs the
// date a page declares, not the prose dates in its body.
//
// What it reads, in order (the first that parses wins):
//
//  1. <meta> tags naming a publication date: property article:published_time,
//     og:published_time; name or itemprop datePublished, dateCreated,
//     pubdate, publishdate, publish_date, date, dc.date, dcterms.created,
//     sailthru.date, parsely-pub-date. With Options.UseOriginalDate unset,
//     modification dates (article:modified_time, dateModified, …) come first.
//  2. JSON-LD: the first "datePublished" (or "dateModified") value in a
//     <script type="application/ld+json">.
//  3. The first <time datetime="…"> element.
//  4. A /YYYY/MM/DD/ or /YYYY-MM-DD path in Options.URL.
//
// Values are read as RFC 3339, ISO 8601 without a zone, YYYY-MM-DD,
// YYYY/MM/DD, "January 2, 2006", "Jan 2, 2006" and "2 January 2006"
// (English month names only). A date before Options.MinDate (default
// 1995-01-01) or after Options.MaxDate (default tomorrow) is ignored.
package htmldate
