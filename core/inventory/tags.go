package inventory

import (
	"strconv"
	"strings"
)

// scalarTag classifies a scalar as yaml.v3 would tag it (its parser.node,
// parser.scalar, resolve and Node.ShortTag), from the event: tag is the tag
// as the parser gives it (long form, "!" or empty), plain whether the
// scalar has no quotes, | or >.
func scalarTag(tag, value []byte, plain bool) tagClass {
	if len(tag) > 0 && string(tag) != "!" {
		return tagClassOf(shortTag(tag))
	}
	if !plain {
		return tagStr // yaml.v3: a quoted or block scalar is !!str
	}
	if string(value) == "<<" {
		return tagMerge
	}
	return resolvePlain(value)
}

const longTagPrefix = "tag:yaml.org,2002:"

// shortTag is yaml.v3's shortTag: tag:yaml.org,2002:x is !!x.
func shortTag(tag []byte) string {
	if s, ok := strings.CutPrefix(string(tag), longTagPrefix); ok {
		return "!!" + s
	}
	return string(tag)
}

func tagClassOf(short string) tagClass {
	switch short {
	case "!!str":
		return tagStr
	case "!!null":
		return tagNull
	case "!!bool":
		return tagBool
	case "!!int":
		return tagInt
	case "!!merge":
		return tagMerge
	}
	return tagOther
}

// resolvePlain is yaml.v3's resolve("", in) for a plain scalar, reduced to
// the classes: the same table, the same parsing, in the same order.
func resolvePlain(in []byte) tagClass {
	hint := byte('N')
	if len(in) > 0 {
		hint = resolveTable[in[0]]
	}
	if hint == 0 {
		return tagStr
	}
	if hint == 'D' && smallDecimal(in) {
		return tagInt // what ParseInt below says, without its copy (most numbers of an inventory)
	}
	if c, ok := resolveMap[string(in)]; hint != 'D' && ok { // no key of resolveMap starts with a digit
		return c
	}
	switch hint {
	case '.':
		if _, err := strconv.ParseFloat(string(in), 64); err == nil {
			return tagOther
		}
	case 'D', 'S':
		// yaml.v3 tries a timestamp first; a timestamp (YYYY-...) never
		// parses as any of what follows, so it ends as !!str here, which
		// the schema reads exactly as it reads a !!timestamp.
		plain := strings.ReplaceAll(string(in), "_", "")
		if _, err := strconv.ParseInt(plain, 0, 64); err == nil {
			return tagInt
		}
		if _, err := strconv.ParseUint(plain, 0, 64); err == nil {
			return tagInt
		}
		if yamlStyleFloat(plain) {
			if _, err := strconv.ParseFloat(plain, 64); err == nil {
				return tagOther
			}
		}
		switch {
		case strings.HasPrefix(plain, "0b"):
			if _, err := strconv.ParseInt(plain[2:], 2, 64); err == nil {
				return tagInt
			}
			if _, err := strconv.ParseUint(plain[2:], 2, 64); err == nil {
				return tagInt
			}
		case strings.HasPrefix(plain, "-0b"):
			if _, err := strconv.ParseInt("-"+plain[3:], 2, 64); err == nil {
				return tagInt
			}
		}
		switch {
		case strings.HasPrefix(plain, "0o"):
			if _, err := strconv.ParseInt(plain[2:], 8, 64); err == nil {
				return tagInt
			}
			if _, err := strconv.ParseUint(plain[2:], 8, 64); err == nil {
				return tagInt
			}
		case strings.HasPrefix(plain, "-0o"):
			if _, err := strconv.ParseInt("-"+plain[3:], 8, 64); err == nil {
				return tagInt
			}
		}
	}
	return tagStr
}

// smallDecimal says s is a decimal number of 1 to 18 digits without a
// leading zero (but "0"), which strconv.ParseInt(s, 0, 64) always reads.
func smallDecimal(s []byte) bool {
	if len(s) == 0 || len(s) > 18 || s[0] == '0' && len(s) > 1 {
		return false
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// yamlStyleFloat is yaml.v3's yamlStyleFloat regular expression,
// ^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$, as plain code
// (regexp was 0.26 MB of the page's code for this one pattern).
func yamlStyleFloat(s string) bool {
	i := 0
	if i < len(s) && (s[i] == '-' || s[i] == '+') {
		i++
	}
	intDigits := digits(s[i:])
	i += intDigits
	if i < len(s) && s[i] == '.' {
		i++
		frac := digits(s[i:])
		if intDigits == 0 && frac == 0 {
			return false // "." alone: \.[0-9]+ needs a digit after it
		}
		i += frac
	} else if intDigits == 0 {
		return false
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '-' || s[i] == '+') {
			i++
		}
		exp := digits(s[i:])
		if exp == 0 {
			return false
		}
		i += exp
	}
	return i == len(s)
}

// digits counts the ASCII digits s starts with.
func digits(s string) int {
	n := 0
	for n < len(s) && '0' <= s[n] && s[n] <= '9' {
		n++
	}
	return n
}

var (
	resolveTable [256]byte
	resolveMap   = map[string]tagClass{}
)

func init() {
	t := &resolveTable
	t['+'], t['-'] = 'S', 'S'
	for _, c := range "0123456789" {
		t[c] = 'D'
	}
	for _, c := range "yYnNtTfFoO~<" {
		t[c] = 'M'
	}
	t['.'] = '.'
	for c, l := range map[tagClass][]string{
		tagBool:  {"true", "True", "TRUE", "false", "False", "FALSE"},
		tagNull:  {"", "~", "null", "Null", "NULL"},
		tagOther: {".nan", ".NaN", ".NAN", ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"},
		tagMerge: {"<<"},
	} {
		for _, s := range l {
			resolveMap[s] = c
		}
	}
}
