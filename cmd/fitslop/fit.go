package main

import (
	"math"

	"github.com/winnowhq/winnow/detect"
)

// fitLogistic fits an L2-regularised logistic regression with balanced
// class weights by Newton's method on standardised features. It returns
// the weights (bias last) on the standardised scale, and the means and
// standard deviations used.
func fitLogistic(X [][]float64, y, weights []float64, lambda float64) (w, mean, std []float64) {
	n, d := len(X), len(X[0])
	nonNegative := make([]bool, d)
	for j, name := range detect.SignalNames(detect.NameV2) {
		nonNegative[j] = name != detect.SigModel
	}
	mean, std = make([]float64, d), make([]float64, d)
	for _, r := range X {
		for j, v := range r {
			mean[j] += v
		}
	}
	for j := range mean {
		mean[j] /= float64(n)
	}
	for _, r := range X {
		for j, v := range r {
			std[j] += (v - mean[j]) * (v - mean[j])
		}
	}
	for j := range std {
		std[j] = math.Sqrt(std[j] / float64(n))
		if std[j] < 1e-9 {
			std[j] = 1
		}
	}
	Z := make([][]float64, n)
	for i, r := range X {
		z := make([]float64, d+1)
		for j, v := range r {
			z[j] = (v - mean[j]) / std[j]
		}
		z[d] = 1
		Z[i] = z
	}
	w = make([]float64, d+1)
	for iter := 0; iter < 50; iter++ {
		g := make([]float64, d+1)
		H := make([][]float64, d+1)
		for j := range H {
			H[j] = make([]float64, d+1)
		}
		for i, z := range Z {
			s := 0.0
			for j, v := range z {
				s += w[j] * v
			}
			p := 1 / (1 + math.Exp(-s))
			cw := weights[i]
			for j, v := range z {
				g[j] += cw * (p - y[i]) * v
				for k := range z {
					H[j][k] += cw * p * (1 - p) * v * z[k]
				}
			}
		}
		for j := 0; j < d; j++ { // no penalty on the bias
			g[j] += lambda * w[j]
			H[j][j] += lambda
		}
		// Active set: a signal is evidence for the genre, never against
		// it, so every weight but the text model's is kept >= 0. A weight
		// at 0 that the gradient pushes below 0 is held there.
		for j := 0; j < d; j++ {
			if nonNegative[j] && w[j] <= 0 && g[j] > 0 {
				w[j] = 0
				g[j] = 0
				for k := range H {
					H[j][k], H[k][j] = 0, 0
				}
				H[j][j] = 1
			}
		}
		step := solve(H, g)
		maxStep := 0.0
		for j := range w {
			w[j] -= step[j]
			if j < d && nonNegative[j] && w[j] < 0 {
				w[j] = 0
			}
			maxStep = math.Max(maxStep, math.Abs(step[j]))
		}
		if maxStep < 1e-8 {
			break
		}
	}
	return w, mean, std
}

// solve solves A x = b by Gaussian elimination with partial pivoting.
func solve(A [][]float64, b []float64) []float64 {
	n := len(b)
	M := make([][]float64, n)
	for i := range A {
		M[i] = append(append([]float64{}, A[i]...), b[i])
	}
	for c := 0; c < n; c++ {
		p := c
		for r := c + 1; r < n; r++ {
			if math.Abs(M[r][c]) > math.Abs(M[p][c]) {
				p = r
			}
		}
		M[c], M[p] = M[p], M[c]
		for r := c + 1; r < n; r++ {
			f := M[r][c] / M[c][c]
			for k := c; k <= n; k++ {
				M[r][k] -= f * M[c][k]
			}
		}
	}
	x := make([]float64, n)
	for r := n - 1; r >= 0; r-- {
		s := M[r][n]
		for k := r + 1; k < n; k++ {
			s -= M[r][k] * x[k]
		}
		x[r] = s / M[r][r]
	}
	return x
}
