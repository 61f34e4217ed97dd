// Where Composite draws each input: a grid of equal cells, as square as the count allows
// (1: whole picture; 2: side by side; 3-4: 2x2; 5-6: 3x2; 7-9: 3x3 ...), filled row by row.
#pragma once

#include <vector>

namespace kurento::hubs {

struct Cell {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

// The cells of `count` inputs in a `width` x `height` picture.
std::vector<Cell> gridLayout(int count, int width, int height);

}  // namespace kurento::hubs
