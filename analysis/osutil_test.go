package analysis

import "os"

func osMkdirTemp() (string, error) { return os.MkdirTemp("", "rhizome-bench-") }
