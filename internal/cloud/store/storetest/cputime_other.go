//go:build !unix

package storetest

import "time"

// processCPU is unknown here: benchmarks then report a CPU time of zero.
func processCPU() time.Duration { return 0 }
