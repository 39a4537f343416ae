// tomlpp_bench.cpp — the same measurement as toml_bench.c with toml++
// (Debian's libtomlplusplus-dev): median seconds of one decode.
//   tomlpp_bench FILE RUNS
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <toml++/toml.h>

int main(int argc, char **argv)
{
	if (argc < 3)
		return 2;
	std::ifstream in(argv[1], std::ios::binary);
	std::stringstream ss;
	ss << in.rdbuf();
	std::string text = ss.str();
	int runs = std::atoi(argv[2]);
	std::vector<double> t;
	for (int i = 0; i < runs; i++) {
		auto t0 = std::chrono::steady_clock::now();
		try {
			toml::table tbl = toml::parse(text);
			(void)tbl;
		} catch (const std::exception &e) {
			std::fprintf(stderr, "%s\n", e.what());
			return 1;
		}
		t.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
	}
	std::sort(t.begin(), t.end());
	std::printf("%.6f\n", t[runs / 2]);
	return 0;
}
