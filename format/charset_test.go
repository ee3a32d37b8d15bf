package format

import "testing"

func TestDecoder(t *testing.T) {
	for _, tc := range []struct {
		name, in, declared, media, cs, out string
	}{
		{"valid UTF-8", "caf\xc3\xa9", "", "text/html", "utf-8", "café"},
		{"windows-1252 when not UTF-8", "\x93quoted\x94", "", "text/html", "windows-1252", "\u201cquoted\u201d"},
		{"declared latin-1 read as windows-1252", "caf\xe9", "iso-8859-1", "text/html", "windows-1252", "café"},
		{"byte-order mark first", "\xef\xbb\xbfhi", "windows-1252", "text/html", "utf-8", "hi"},
		{"UTF-16LE mark", "\xff\xfeh\x00i\x00", "", "text/html", "utf-16le", "hi"},
		{"meta charset", `<meta charset="shift_jis">` + "\x82\xa0", "", "text/html", "shift_jis", `<meta charset="shift_jis">` + "あ"},
		{"meta ignored for plain text", `<meta charset="shift_jis">ok`, "", "text/plain", "utf-8", `<meta charset="shift_jis">ok`},
		{"unknown label read as UTF-8", "ok\xff", "x-bogus", "text/html", "x-bogus", "ok\uFFFD"},
	} {
		var d Decoder
		cs, out := d.ToUTF8([]byte(tc.in), tc.declared, tc.media)
		if cs != tc.cs || string(out) != tc.out {
			t.Errorf("%s: got %q %q, want %q %q", tc.name, cs, out, tc.cs, tc.out)
		}
	}
}
