package spec

import (
	"embed"
	"strings"
)

//go:embed presets/*.yaml
var presetFiles embed.FS

// presetOrder is the order presets are listed in; the first is the default.
var presetOrder = []string{"fineweb", "fineweb-quality", "contentfarm", "fineweb-full"}

// DefaultPreset is the preset winnow run uses when given none.
const DefaultPreset = "fineweb"

// PresetNames returns the preset names, the default first.
func PresetNames() []string { return append([]string(nil), presetOrder...) }

// Preset returns the named preset's spec (a new copy each call).
func Preset(name string) (*Spec, error) {
	s, err := presetSpec(name)
	if err != nil {
		return nil, err
	}
	return s, s.Validate()
}

// PresetSummary returns the named preset's spec without validating its
// stages' configurations, which may load models: enough for its
// description and stage names (help text) at no start-up cost. Build or
// run a spec from Preset.
func PresetSummary(name string) (*Spec, error) { return presetSpec(name) }

func presetSpec(name string) (*Spec, error) {
	for _, p := range presetOrder {
		if p == name {
			file := "presets/" + name + ".yaml"
			b, err := presetFiles.ReadFile(file)
			if err != nil {
				return nil, err
			}
			return parse(file, b)
		}
	}
	return nil, &Error{Msg: "unknown preset " + quote(name) + " (known: " + strings.Join(presetOrder, ", ") + ")"}
}

func quote(s string) string { return `"` + s + `"` }
