package rate

import "strconv"

// Human writes a rate for a table column: "0", "7.5", "950", "12.3k",
// "1.25M", "14.88M" (a 10GbE line rate of small frames), "1.20G".
func Human(v float64) string {
	switch {
	case v <= 0:
		return "0"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 1, 64)
	case v < 1e3:
		return strconv.FormatFloat(v, 'f', 0, 64)
	case v < 1e6:
		return strconv.FormatFloat(v/1e3, 'f', 1, 64) + "k"
	case v < 1e9:
		return strconv.FormatFloat(v/1e6, 'f', 2, 64) + "M"
	default:
		return strconv.FormatFloat(v/1e9, 'f', 2, 64) + "G"
	}
}

// Mbit writes a Mbit/s for a table column: "0", "<0.01" (bytes moved, too
// few to show), "0.05", "7.62", "95.2", "950", "9412" (about 10GbE).
func Mbit(v float64) string {
	switch {
	case v <= 0:
		return "0"
	case v < 0.01:
		return "<0.01"
	case v < 10:
		return strconv.FormatFloat(v, 'f', 2, 64)
	case v < 100:
		return strconv.FormatFloat(v, 'f', 1, 64)
	default:
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
}
