package proto

// MAC addresses as the classifier table writes them.

// ParseMAC reads a MAC address written as six pairs of hex digits separated
// by ':' (any case) and returns it as a 48-bit number, first octet most
// significant.
func ParseMAC(s string) (uint64, bool) {
	if len(s) != 17 {
		return 0, false
	}
	var mac uint64
	for i := 0; i < 6; i++ {
		if i > 0 && s[3*i-1] != ':' {
			return 0, false
		}
		hi, ok1 := hexDigit(s[3*i])
		lo, ok2 := hexDigit(s[3*i+1])
		if !ok1 || !ok2 {
			return 0, false
		}
		mac = mac<<8 | uint64(hi<<4|lo)
	}
	return mac, true
}

// FormatMAC writes a 48-bit MAC as aa:bb:cc:dd:ee:ff.
func FormatMAC(mac uint64) string {
	const hex = "0123456789abcdef"
	b := make([]byte, 0, 17)
	for i := 5; i >= 0; i-- {
		o := byte(mac >> (8 * i))
		b = append(b, hex[o>>4], hex[o&15])
		if i > 0 {
			b = append(b, ':')
		}
	}
	return string(b)
}

func hexDigit(b byte) (byte, bool) {
	switch {
	case b >= '0' && b <= '9':
		return b - '0', true
	case b >= 'a' && b <= 'f':
		return b - 'a' + 10, true
	case b >= 'A' && b <= 'F':
		return b - 'A' + 10, true
	}
	return 0, false
}
