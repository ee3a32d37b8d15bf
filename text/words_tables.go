package text

import (
	"strconv"
	"strings"
	"unicode"
)

// Character classes of spaCy's English tokenizer (spacy/lang/char_classes.py,
// spaCy 3.x), expanded to code-point ranges. Each range list is written as
// space-separated hex code points or LO-HI ranges and parsed once at init
// into a flat per-rune flag table.

// Flags stored per rune in runeFlags.
const (
	fAlpha    uint16 = 1 << iota // ALPHA
	fLower                       // ALPHA_LOWER
	fUpper                       // ALPHA_UPPER
	fIcon                        // LIST_ICONS (So-like symbols)
	fSpace                       // Python str.isspace
	fPrefix                      // single-character prefix alternatives
	fSuffix                      // single-character suffix alternatives
	fDotPre                      // lookbehind class of the "word." suffix rule
	fQuote                       // CONCAT_QUOTES
	fHost                        // URL host char [A-Za-z0-9\u00a1-\uffff]
	fWord                        // Python re \w
	fDigit                       // Python re \d (Unicode Nd)
	fPunctCat                    // Unicode category P* (spaCy is_punct)
)

// tableSize covers every code point any class mentions (CJK extension
// ideographs end at U+2FA1F); runes above it carry no flags except \w/\d.
const tableSize = 0x30000

var runeFlags []uint16

// Latin blocks. Upper/lower splits that alternate by parity are generated.
const (
	latinExtBUpper = "0181 0182 0184 0186 0187 0189-018B 018E-0191 0193 0194 0196-0198 019C 019D 019F 01A0 01A2 01A4 01A6 01A7 01A9 01AC 01AE 01AF 01B1-01B3 01B5 01B7 01B8 01BC 01C4 01C7 01CA 01CD 01CF 01D1 01D3 01D5 01D7 01D9 01DB 01DE 01E0 01E2 01E4 01E6 01E8 01EA 01EC 01EE 01F1 01F4 01F6-01F8 01FA 01FC 01FE 0200 0202 0204 0206 0208 020A 020C 020E 0210 0212 0214 0216 0218 021A 021C 021E 0220 0222 0224 0226 0228 022A 022C 022E 0230 0232 023A 023B 023D 023E 0241 0243-0246 0248 024A 024C 024E"
	latinExtBLower = "0180 0183 0185 0188 018C 018D 0192 0195 0199-019B 019E 01A1 01A3 01A5 01A8 01AA 01AB 01AD 01B0 01B4 01B6 01B9 01BA 01BD-01BF 01C6 01C9 01CC 01CE 01D0 01D2 01D4 01D6 01D8 01DA 01DC 01DD 01DF 01E1 01E3 01E5 01E7 01E9 01EB 01ED 01EF 01F0 01F3 01F5 01F9 01FB 01FD 01FF 0201 0203 0205 0207 0209 020B 020D 020F 0211 0213 0215 0217 0219 021B 021D 021F 0221 0223 0225 0227 0229 022B 022D 022F 0231 0233-0239 023C 023F 0240 0242 0247 0249 024B 024D 024F"
	latinExtCUpper = "2C60 2C62-2C64 2C67 2C69 2C6B 2C6D-2C70 2C72 2C75 2C7E 2C7F"
	latinExtCLower = "2C61 2C65 2C66 2C68 2C6A 2C6C 2C71 2C73 2C74 2C76-2C7B"
	latinExtDUpper = "A779 A77B A77D A77E A78B A78D A790 A792 A7AA-A7AE A7B0-A7B4 A7B6 A7B8"
	latinExtDLower = "A72F-A731 A771-A778 A77A A77C A77F A78C A78E A791 A793-A795 A7AF A7B5 A7B7 A7B9 A7FA"

	// Full (cased + uncased) ALPHA latin ranges.
	latinAll        = "0041-005A 0061-007A FF21-FF3A FF41-FF5A 00C0-00D6 00D8-00F6 00F8-00FF 0100-017F 0180-01BF 01C4-024F 2C60-2C7B 2C7E 2C7F A722-A76F A771-A787 A78B-A78E A790-A7B9 A7FA AB30-AB5A AB60-AB64 0250-02AF 1D00-1D25 1D6B-1D77 1D79-1D9A 1E00-1EFF"
	latinLowerFixed = "0061-007A FF41-FF5A 00DF-00F6 00F8-00FF AB30-AB5A AB60-AB64 0250-02AF 1D00-1D25 1D6B-1D77 1D79-1D9A 1E95-1E9D"
	latinUpperFixed = "0041-005A FF21-FF3A 00C0-00D6 00D8-00DE 1E9E"

	// Cyrillic (Russian, Tatar, Ukrainian) and Greek.
	otherLower = "0451 0430-044F 04D9 04E9 04AF 0497 04A3 04BB 03B1-03C9 03AC 03AD 03AF 03CC 03CE 03AE 03CD 0430-0449 044E 044F 0456 0457 0454 0491"
	otherUpper = "0401 0410-042F 04D8 04E8 04AE 0496 04A2 04BA 0391-03A9 0386 0388 038A 038C 038F 0389 038E 0410-0429 042E 042F 0406 0407 0404 0490"

	// Uncased scripts: Bengali, Hebrew, Persian/Arabic, Sinhala, Hindi,
	// Kannada, Tamil, Telugu, Hangul, CJK.
	uncased = "0980-09FF 0591-05F4 FB1D-FB4F 0620-064A 066E-06D5 06E5-06FF 0750-077F 08A0-08BD FB50-FBB1 FBD3-FD3D FD50-FDC7 FDF0-FDFB FE70-FEFC 1EE00-1EEBB 0D80-0DFF 0900-097F 0C80-0CFF 0B80-0BFF 0C00-0C7F AC00-D7AF 1100-11FF 4E00-9FFF 3400-4DBF 20000-2EBEF 2E80-2EFF 2F00-2FDF 2FF0-2FFF 3000-303F 31C0-31EF 3200-33FF F900-FAFF FE30-FE4F 1F200-1F2FF 2F800-2FA1F"

	// _other_symbols (LIST_ICONS).
	icons = "00A6 00A9 00AE 00B0 0482 058D 058E 060E 060F 06DE 06E9 06FD 06FE 07F6 09FA 0B70 " +
		"0BF3-0BF8 0BFA 0C7F 0D4F 0D79 0F01-0F03 0F13 0F15-0F17 0F1A-0F1F 0F34 " +
		"0F36 0F38 0FBE-0FC5 0FC7-0FCC 0FCE 0FCF 0FD5-0FD8 109E 109F 1390-1399 " +
		"1940 19DE-19FF 1B61-1B6A 1B74-1B7C 2100 2101 2103-2106 2108 2109 2114 2116 " +
		"2117 211E-2123 2125 2127 2129 212E 213A 213B 214A 214C 214D 214F 218A 218B " +
		"2195-2199 219C-219F 21A1 21A2 21A4 21A5 21A7-21AD 21AF-21CD 21D0 21D1 21D3 " +
		"21D5-21F3 2300-2307 230C-231F 2322-2328 232B-237B 237D-239A 23B4-23DB " +
		"23E2-2426 2440-244A 249C-24E9 2500-25B6 25B8-25C0 25C2-25F7 2600-266E " +
		"2670-2767 2794-27BF 2800-28FF 2B00-2B2F 2B45 2B46 2B4D-2B73 2B76-2B95 " +
		"2B98-2BC8 2BCA-2BFE 2CE5-2CEA 2E80-2E99 2E9B-2EF3 2F00-2FD5 2FF0-2FFB " +
		"3004 3012 3013 3020 3036 3037 303E 303F 3190 3191 3196-319F 31C0-31E3 " +
		"3200-321E 322A-3247 3250 3260-327F 328A-32B0 32C0-32FE 3300-33FF 4DC0-4DFF " +
		"A490-A4C6 A828-A82B A836 A837 A839 AA77-AA79 FDFD FFE4 FFE8 FFED FFEE FFFC " +
		"FFFD 10137-1013F 10179-10189 1018C-1018E 10190-1019B " +
		"101A0 101D0-101FC 10877 10878 10AC8 1173F 16B3C-16B3F " +
		"16B45 1BC9C 1D000-1D0F5 1D100-1D126 1D129-1D164 " +
		"1D16A-1D16C 1D183 1D184 1D18C-1D1A9 1D1AE-1D1E8 " +
		"1D200-1D241 1D245 1D300-1D356 1D800-1D9FF 1DA37-1DA3A " +
		"1DA6D-1DA74 1DA76-1DA83 1DA85 1DA86 1ECAC 1F000-1F02B " +
		"1F030-1F093 1F0A0-1F0AE 1F0B1-1F0BF 1F0C1-1F0CF " +
		"1F0D1-1F0F5 1F110-1F16B 1F170-1F1AC 1F1E6-1F202 " +
		"1F210-1F23B 1F240-1F248 1F250 1F251 1F260-1F265 " +
		"1F300-1F3FA 1F400-1F6D4 1F6E0-1F6EC 1F6F0-1F6F9 " +
		"1F700-1F773 1F780-1F7D8 1F800-1F80B 1F810-1F847 " +
		"1F850-1F859 1F860-1F887 1F890-1F8AD 1F900-1F90B " +
		"1F910-1F93E 1F940-1F970 1F973-1F976 1F97A 1F97C-1F9A2 " +
		"1F9B0-1F9B9 1F9C0-1F9C2 1F9D0-1F9FF 1FA60-1FA6D"

	// Python str.isspace.
	pySpaces = "0009-000D 001C-0020 0085 00A0 1680 2000-200A 2028 2029 202F 205F 3000"
)

// Literal character sets from char_classes.py.
const (
	// LIST_PUNCT single characters (the two-character "……" is handled in code).
	punctChars = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪"
	// LIST_QUOTES / CONCAT_QUOTES.
	quoteChars = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉"
	// Single-character LIST_CURRENCY entries (US$, C$, A$ handled in code).
	currencyChars = "$£€¥฿₽﷼₴"
)

// units is LIST_UNITS; "тбكم" is intentionally fused, as in spaCy's source
// (a missing space joins the Cyrillic and Arabic lists).
var units = strings.Fields("km km² km³ m m² m³ dm dm² dm³ cm cm² cm³ mm mm² mm³ ha µm nm yd in ft " +
	"kg g mg µg t lb oz m/s km/h kmh mph hPa Pa mbar mb MB kb KB gb GB tb " +
	"TB T G M K % км км² км³ м м² м³ дм дм² дм³ см см² см³ мм мм² мм³ нм " +
	"кг г мг м/с км/ч кПа Па мбар Кб КБ кб Мб МБ мб Гб ГБ гб Тб ТБ тб" +
	"كم كم² كم³ م م² م³ سم سم² سم³ مم مم² مم³ كم غرام جرام جم كغ ملغ كوب اكواب")

var currencies = []string{"$", "£", "€", "¥", "฿", "US$", "C$", "A$", "₽", "﷼", "₴"}

var (
	unitOrCurrency = map[string]bool{}
	maxUnitBytes   int
	sentencePunct  = map[rune]bool{}
)

// defaultPunctChars is the Sentencizer's default punct_chars list.
const defaultPunctChars = "!.?։؟۔܀܁܂߹।॥၊။።፧፨᙮᜵᜶᠃᠉᥄᥅᪨᪩᪪᪫᭚᭛᭞᭟᰻᰼᱾᱿‼‽⁇⁈⁉⸮⸼꓿꘎꘏꛳꛷꡶꡷꣎꣏꤯꧈꧉꩝꩞꩟꫰꫱꯫﹒﹖﹗！．？𐩖𐩗𑁇𑁈𑂾𑂿𑃀𑃁𑅁𑅂𑅃𑇅𑇆𑇍𑇞𑇟𑈸𑈹𑈻𑈼𑊩𑑋𑑌𑗂𑗃𑗉𑗊𑗋𑗌𑗍𑗎𑗏𑗐𑗑𑗒𑗓𑗔𑗕𑗖𑗗𑙁𑙂𑜼𑜽𑜾𑩂𑩃𑪛𑪜𑱁𑱂𖩮𖩯𖫵𖬷𖬸𖭄𛲟𝪈｡。"

func setRanges(spec string, flag uint16) {
	for _, f := range strings.Fields(spec) {
		lo, hi := f, f
		if i := strings.IndexByte(f, '-'); i > 0 {
			lo, hi = f[:i], f[i+1:]
		}
		a, err1 := strconv.ParseUint(lo, 16, 32)
		b, err2 := strconv.ParseUint(hi, 16, 32)
		if err1 != nil || err2 != nil || a > b || b >= tableSize {
			panic("text: bad range " + f)
		}
		for r := a; r <= b; r++ {
			runeFlags[r] |= flag
		}
	}
}

func setChars(chars string, flag uint16) {
	for _, r := range chars {
		runeFlags[r] |= flag
	}
}

// setParity sets flag on every code point in [lo, hi] with the given parity.
func setParity(lo, hi rune, odd bool, flag uint16) {
	for r := lo; r <= hi; r++ {
		if (r%2 == 1) == odd {
			runeFlags[r] |= flag
		}
	}
}

// initTables fills the class tables; it runs first from the package init.
func initTables() {
	runeFlags = make([]uint16, tableSize)

	// ALPHA.
	setRanges(latinAll, fAlpha)
	setRanges(otherLower, fAlpha|fLower)
	setRanges(otherUpper, fAlpha|fUpper)
	setRanges(uncased, fAlpha|fLower|fUpper)

	// LATIN_LOWER / LATIN_UPPER.
	setRanges(latinLowerFixed, fLower)
	setRanges(latinUpperFixed, fUpper)
	// Extended-A.
	setParity(0x100, 0x137, true, fLower)
	setParity(0x100, 0x136, false, fUpper)
	runeFlags[0x138] |= fLower
	setParity(0x139, 0x147, true, fUpper)
	setParity(0x13A, 0x148, false, fLower)
	runeFlags[0x149] |= fLower
	setParity(0x14A, 0x176, false, fUpper)
	setParity(0x14B, 0x177, true, fLower)
	setChars("\u0178\u0179\u017B\u017D", fUpper)
	setChars("\u017A\u017C\u017E\u017F", fLower)
	// Extended-B, C.
	setRanges(latinExtBUpper, fUpper)
	setRanges(latinExtBLower, fLower)
	setRanges(latinExtCUpper, fUpper)
	setRanges(latinExtCLower, fLower)
	// Extended-D.
	setParity(0xA722, 0xA72E, false, fUpper)
	setParity(0xA732, 0xA76E, false, fUpper)
	setParity(0xA780, 0xA786, false, fUpper)
	setParity(0xA796, 0xA7A8, false, fUpper)
	setParity(0xA723, 0xA72D, true, fLower)
	setParity(0xA733, 0xA76F, true, fLower)
	setParity(0xA781, 0xA787, true, fLower)
	setParity(0xA797, 0xA7A9, true, fLower)
	setRanges(latinExtDUpper, fUpper)
	setRanges(latinExtDLower, fLower)
	// Vietnamese diacritics (Latin Extended Additional).
	setParity(0x1E00, 0x1E94, false, fUpper)
	setParity(0x1EA0, 0x1EFE, false, fUpper)
	setParity(0x1E01, 0x1E95, true, fLower)
	runeFlags[0x1E9F] |= fLower
	setParity(0x1EA1, 0x1EFF, true, fLower)

	setRanges(icons, fIcon)
	setRanges(pySpaces, fSpace)

	// Prefix singles: "§ % = — –", "+" (conditional, handled in code),
	// LIST_PUNCT, LIST_QUOTES, LIST_CURRENCY, LIST_ICONS.
	setChars("§%=—–", fPrefix)
	setChars(punctChars, fPrefix)
	setChars(quoteChars, fPrefix)
	setChars(currencyChars, fPrefix)
	// Suffix singles: LIST_PUNCT, LIST_QUOTES, LIST_ICONS, "—", "–".
	setChars(punctChars, fSuffix)
	setChars(quoteChars, fSuffix)
	setChars("—–", fSuffix)
	for r := rune(0); r < tableSize; r++ {
		if runeFlags[r]&fIcon != 0 {
			runeFlags[r] |= fPrefix | fSuffix
		}
	}

	// Lookbehind class [0-9{ALPHA_LOWER}%²\-\+{PUNCT}(?:{QUOTES})] where
	// PUNCT is the "|"-joined list (so "|" and "\" escapes are literal).
	setRanges("0030-0039", fDotPre)
	for r := rune(0); r < tableSize; r++ {
		if runeFlags[r]&fLower != 0 {
			runeFlags[r] |= fDotPre
		}
	}
	setChars("%²-+|(?:)", fDotPre)
	setChars(punctChars, fDotPre)
	setChars(quoteChars, fDotPre|fQuote)

	setRanges("0041-005A 0061-007A 0030-0039 00A1-FFFF", fHost)

	// The Unicode categories, range by range: asking unicode.IsLetter and
	// the like rune by rune costs some 15 ms, all of `winnow score`'s
	// first document.
	setTable(unicode.Letter, fWord)
	setTable(unicode.Number, fWord)
	runeFlags['_'] |= fWord
	setTable(unicode.Digit, fDigit)
	setTable(unicode.Punct, fPunctCat)

	for _, u := range units {
		unitOrCurrency[u] = true
		if len(u) > maxUnitBytes {
			maxUnitBytes = len(u)
		}
	}
	for _, c := range currencies {
		unitOrCurrency[c] = true
	}
	for _, r := range defaultPunctChars {
		sentencePunct[r] = true
	}
}

// setTable sets flag f on the runes of t below tableSize.
func setTable(t *unicode.RangeTable, f uint16) {
	for _, r := range t.R16 {
		for c := rune(r.Lo); c <= rune(r.Hi) && c < tableSize; c += rune(r.Stride) {
			runeFlags[c] |= f
		}
	}
	for _, r := range t.R32 {
		for c := rune(r.Lo); c <= rune(r.Hi) && c < tableSize; c += rune(r.Stride) {
			runeFlags[c] |= f
		}
	}
}

// flagsOf returns the class flags of r.
func flagsOf(r rune) uint16 {
	if r >= 0 && r < tableSize {
		return runeFlags[r]
	}
	var f uint16
	if unicode.IsLetter(r) || unicode.IsNumber(r) {
		f |= fWord
	}
	if unicode.IsDigit(r) {
		f |= fDigit
	}
	if unicode.IsPunct(r) {
		f |= fPunctCat
	}
	return f
}
