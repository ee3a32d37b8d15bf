package clean

// This file holds the data caption_clean_v1 matches: image sources, the
// marker words that introduce a credit, and the agencies whose credit is
// "AGENCY/Photographer". Entries are lower case; spaces stand for any run
// of whitespace and "-" for any dash, "·" or "•" (see norm). Add a source
// here, not in the code.

// sourceKind says what a Source is.
type sourceKind uint8

const (
	// stock: a stock-photo library or photo host (Unsplash, Getty Images).
	stock sourceKind = iota
	// aiGen: an image generator or "AI" itself (Midjourney, DALL·E).
	aiGen
	// agency: a news agency; a credit only with an image marker ("Photo:
	// Reuters"), never with "Source:" or "via", which cite text.
	agency
	// phrase: a self-describing disclaimer ("For illustrative purposes
	// only", "AI-generated image") that is a credit on its own.
	phrase
)

// source is one row of the sources table.
type source struct {
	name    string   // canonical name reported in Line.Source
	aliases []string // spellings matched at the end of a line
	kind    sourceKind
	// bare: the name alone, after a separator ("… | Getty Images",
	// "… (Shutterstock)"), is a credit with no marker word. Only for names
	// that are not also ordinary words or plausible list items.
	bare bool
}

// sources are the image sources a caption or credit line may end with.
var sources = []source{
	// AI image generators.
	{name: "Midjourney", aliases: []string{"midjourney", "mid journey", "midjourney ai"}, kind: aiGen},
	{name: "DALL-E", aliases: []string{"dall-e", "dalle", "dall e", "dall-e 2", "dall-e 3", "dall-e2", "dall-e3", "openai dall-e", "openai's dall-e"}, kind: aiGen},
	{name: "Stable Diffusion", aliases: []string{"stable diffusion", "stable diffusion xl", "sdxl", "stability ai"}, kind: aiGen},
	{name: "Gemini", aliases: []string{"gemini", "google gemini", "gemini ai"}, kind: aiGen},
	{name: "ChatGPT", aliases: []string{"chatgpt", "chat gpt", "openai", "gpt-4o"}, kind: aiGen},
	{name: "Adobe Firefly", aliases: []string{"adobe firefly", "firefly"}, kind: aiGen},
	{name: "Imagen", aliases: []string{"imagen", "google imagen"}, kind: aiGen},
	{name: "Leonardo AI", aliases: []string{"leonardo ai", "leonardo.ai"}, kind: aiGen},
	{name: "Ideogram", aliases: []string{"ideogram"}, kind: aiGen},
	{name: "Bing Image Creator", aliases: []string{"bing image creator", "bing"}, kind: aiGen},
	{name: "Copilot", aliases: []string{"copilot", "microsoft copilot", "copilot designer"}, kind: aiGen},
	{name: "Grok", aliases: []string{"grok"}, kind: aiGen},
	{name: "Meta AI", aliases: []string{"meta ai"}, kind: aiGen},
	{name: "Canva", aliases: []string{"canva", "canva ai", "canva.com"}, kind: aiGen},
	{name: "AI", aliases: []string{"ai", "artificial intelligence", "generative ai", "an ai", "an ai tool", "ai tools", "ai tool"}, kind: aiGen},

	// Stock libraries and photo hosts.
	{name: "Pexels", aliases: []string{"pexels", "pexels.com"}, kind: stock},
	{name: "Unsplash", aliases: []string{"unsplash", "unsplash.com", "unsplash+"}, kind: stock},
	{name: "Pixabay", aliases: []string{"pixabay", "pixabay.com"}, kind: stock},
	{name: "Freepik", aliases: []string{"freepik", "freepik.com"}, kind: stock},
	{name: "Getty Images", aliases: []string{"getty images", "getty", "gettyimages", "getty images plus", "getty images/istockphoto", "getty images/istock"}, kind: stock, bare: true},
	{name: "Shutterstock", aliases: []string{"shutterstock", "shutterstock.com"}, kind: stock, bare: true},
	{name: "iStock", aliases: []string{"istock", "istockphoto", "istockphoto.com", "istock by getty images", "istock/getty images", "istockphoto/getty images"}, kind: stock, bare: true},
	{name: "Adobe Stock", aliases: []string{"adobe stock", "stock.adobe.com"}, kind: stock, bare: true},
	{name: "Alamy", aliases: []string{"alamy", "alamy stock photo"}, kind: stock, bare: true},
	{name: "Depositphotos", aliases: []string{"depositphotos", "deposit photos"}, kind: stock, bare: true},
	{name: "Dreamstime", aliases: []string{"dreamstime", "dreamstime.com"}, kind: stock, bare: true},
	{name: "123RF", aliases: []string{"123rf", "123rf.com"}, kind: stock, bare: true},
	{name: "Envato", aliases: []string{"envato", "envato elements"}, kind: stock},
	{name: "Stocksy", aliases: []string{"stocksy"}, kind: stock},
	{name: "Rawpixel", aliases: []string{"rawpixel", "rawpixel.com"}, kind: stock},
	{name: "Vecteezy", aliases: []string{"vecteezy"}, kind: stock},
	{name: "Flickr", aliases: []string{"flickr", "flickr.com"}, kind: stock},
	{name: "Wikimedia Commons", aliases: []string{"wikimedia commons", "wikimedia", "wikipedia commons", "commons.wikimedia.org"}, kind: stock},

	// News agencies: credits only in credit form.
	{name: "AP", aliases: []string{"ap", "associated press", "the associated press"}, kind: agency},
	{name: "AP", aliases: []string{"ap photo", "ap images"}, kind: agency, bare: true},
	{name: "Reuters", aliases: []string{"reuters"}, kind: agency},
	{name: "AFP", aliases: []string{"afp", "afp photo", "afp/getty images"}, kind: agency},
	{name: "EPA", aliases: []string{"epa", "epa-efe"}, kind: agency},

	// Disclaimers that are credits by themselves.
	{name: "illustrative", kind: phrase, bare: true, aliases: []string{
		"for illustrative purposes only", "for illustration purposes only",
		"for illustrative purposes", "for illustration purposes",
		"for illustration only", "for representation only",
		"for representational purposes only", "for representative purposes only",
		"used for illustrative purposes", "used for illustration purposes",
		"used for illustrative purposes only", "used for illustration purposes only",
		"illustrative image", "illustrative photo", "illustrative picture",
		"image is for illustrative purposes only", "photo is for illustrative purposes only",
	}},
	{name: "representative", kind: phrase, bare: true, aliases: []string{
		"representative image", "representational image", "representative photo",
		"representational photo", "representative picture", "image for representation",
		"image for representation only", "picture for representation",
	}},
	{name: "AI-generated", kind: phrase, bare: true, aliases: []string{
		"ai-generated image", "ai-generated photo", "ai-generated picture",
		"ai-generated illustration", "ai-generated", "ai-created image",
		"image generated by ai", "image generated with ai", "generated by ai",
		"generated with ai", "generated using ai", "created with ai", "created by ai",
		"ai image", "ai art", "ai-generated art",
	}},
	{name: "stock", kind: phrase, bare: true, aliases: []string{
		"stock image", "stock photo", "stock photograph", "stock picture",
		"file photo", "file image", "archive photo", "library image",
	}},
}

// IsAISource reports whether a Line's Source names an image generator
// (Midjourney, DALL-E, Gemini, "AI", …) or a disclaimer that the picture is
// made up ("For illustrative purposes only", "AI-generated image"), as
// opposed to a stock library, photo host or news agency (Pexels, Getty
// Images, Reuters, "Stock photo", "Representative image").
func IsAISource(name string) bool {
	switch name {
	case "illustrative", "AI-generated":
		return true
	}
	for i := range sources {
		if sources[i].name == name {
			return sources[i].kind == aiGen
		}
	}
	return false
}

// marker describes a marker word.
type marker struct {
	// image: the marker names an image ("Photo:", "©", "Credit:"); agency
	// sources need one. "Source:" and "via" do not.
	image bool
	// weak: an ordinary noun ("photo", "image", "via") that is a credit
	// marker only after a separator ("… | Photo: Pexels"), not after a
	// plain space ("Best for free photos: Unsplash" is a list item).
	weak bool
}

// markers are the words that introduce a credit's source. A marker may be
// followed by ":", a dash, or a space; "by"/"via" forms may name a
// photographer before the source ("Photo by Jane Doe on Unsplash").
var markers = map[string]marker{
	// Citing words: not image markers.
	"source":         {},
	"sources":        {},
	"source image":   {image: true},
	"source photo":   {image: true},
	"image source":   {image: true},
	"photo source":   {image: true},
	"picture source": {image: true},
	"img source":     {image: true},
	"via":            {weak: true},

	// Credits.
	"credit":               {image: true},
	"credits":              {image: true},
	"photo credit":         {image: true},
	"photo credits":        {image: true},
	"image credit":         {image: true},
	"image credits":        {image: true},
	"picture credit":       {image: true},
	"picture credits":      {image: true},
	"courtesy":             {image: true},
	"courtesy of":          {image: true},
	"photo courtesy of":    {image: true},
	"image courtesy of":    {image: true},
	"photo courtesy":       {image: true},
	"image courtesy":       {image: true},
	"copyright":            {image: true},
	"©":                    {image: true},
	"(c)":                  {image: true},
	"photo by":             {image: true},
	"photos by":            {image: true},
	"photograph by":        {image: true},
	"photography by":       {image: true},
	"image by":             {image: true},
	"images by":            {image: true},
	"picture by":           {image: true},
	"illustration by":      {image: true},
	"designed by":          {image: true},
	"image generated by":   {image: true},
	"image generated with": {image: true},
	"image created with":   {image: true},
	"image created by":     {image: true},
	"image made with":      {image: true},

	// Nouns: markers only after a separator.
	"photo":           {image: true, weak: true},
	"photos":          {image: true, weak: true},
	"photograph":      {image: true, weak: true},
	"photography":     {image: true, weak: true},
	"picture":         {image: true, weak: true},
	"pictures":        {image: true, weak: true},
	"pic":             {image: true, weak: true},
	"pics":            {image: true, weak: true},
	"image":           {image: true, weak: true},
	"images":          {image: true, weak: true},
	"img":             {image: true, weak: true},
	"illustration":    {image: true, weak: true},
	"image via":       {image: true, weak: true},
	"photo via":       {image: true, weak: true},
	"featured image":  {image: true, weak: true},
	"cover image":     {image: true, weak: true},
	"header image":    {image: true, weak: true},
	"top image":       {image: true, weak: true},
	"main image":      {image: true, weak: true},
	"lead image":      {image: true, weak: true},
	"thumbnail":       {image: true, weak: true},
	"image is":        {image: true, weak: true},
	"photo is":        {image: true, weak: true},
	"picture is":      {image: true, weak: true},
	"generated by":    {image: true, weak: true},
	"generated with":  {image: true, weak: true},
	"generated using": {image: true, weak: true},
	"generated in":    {image: true, weak: true},
	"created with":    {image: true, weak: true},
	"created using":   {image: true, weak: true},
	"created in":      {image: true, weak: true},
	"created by":      {image: true, weak: true},
	"made with":       {image: true, weak: true},
	"made using":      {image: true, weak: true},
	"made in":         {image: true, weak: true},
}

// nameJoiners join a photographer's name to the source after a "by"
// marker: "Photo by Jane Doe on Unsplash", "Image by Jane from Pixabay".
var nameJoiners = []string{"on", "from", "via", "at", "for", "@", "/", ","}
