'use strict';

// Nearest-rank percentile of a list of numbers (ms).
function percentile(xs, p) {
	if (!xs.length) {
		return null;
	}
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}

function summary(xs) {
	if (!xs || !xs.length) {
		return null;
	}
	const max = Math.max(...xs);
	// maxAt: which request was the slowest (0 is the first of its loop), to
	// tell a cold first request from an outlier in the middle.
	return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max, maxAt: xs.indexOf(max) };
}

module.exports = { percentile, summary };
