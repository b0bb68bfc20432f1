package s

import rego.v1

f(input) := 1 if { true }
