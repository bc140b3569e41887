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
	return { n: xs.length, p50: percentile(xs, 50), p95: percentile(xs, 95), max: Math.max(...xs) };
}

module.exports = { percentile, summary };
