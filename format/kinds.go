package format

import "strings"

// A Kind is a kind of input file winnow reads, chosen by its name: the
// one table of file names (package pipeline has a reader for each kind,
// cmd/winnow walks directories with it). Content is sniffed separately
// (Binary, Decompress): a name picks the reader, the bytes can still
// refuse it.
type Kind struct {
	// Name is the kind: "jsonl", "warc", "parquet", "html" or "text"
	// (pipeline.FormatJSONL and the others).
	Name string
	// Exts are the endings a file name has (lower-cased) to be of this
	// kind.
	Exts []string
	// Compressed says the endings may be followed by .gz, .zst or .zstd
	// (the reader decompresses).
	Compressed bool
}

// kinds is the table, in the order names are matched: ".warc.wet" is WARC
// before anything else looks at ".wet".
var kinds = [...]Kind{
	{Name: "warc", Exts: []string{".warc", ".wet", ".arc"}, Compressed: true},
	{Name: "html", Exts: []string{".html", ".htm"}, Compressed: true},
	{Name: "text", Exts: []string{".txt"}, Compressed: true},
	{Name: "parquet", Exts: []string{".parquet"}},
	{Name: "jsonl", Exts: []string{".jsonl", ".ndjson"}, Compressed: true},
	// datatrove writes compressed JSONL as .json.gz too; a plain .json is
	// a JSON document, not lines.
	{Name: "jsonl", Exts: []string{".json.gz", ".json.zst", ".json.zstd"}},
}

// Kinds returns the table of input kinds (a copy).
func Kinds() []Kind {
	out := make([]Kind, len(kinds))
	copy(out, kinds[:])
	return out
}

// KindOf returns the kind of input a file name says it is; ok is false
// for a name winnow does not read.
func KindOf(name string) (kind string, ok bool) {
	name = strings.ToLower(name)
	bare := stripCompression(name)
	for _, k := range kinds {
		n := name
		if k.Compressed {
			n = bare
		}
		for _, ext := range k.Exts {
			if strings.HasSuffix(n, ext) && len(n) > len(ext) {
				return k.Name, true
			}
		}
	}
	return "", false
}
