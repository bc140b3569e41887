//go:build !race

package workspace

// raceDetector says the tests run under -race, where parsing is some thirty
// times slower.
const raceDetector = false
