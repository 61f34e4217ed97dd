#include "GridLayout.hpp"

#include <cmath>

namespace kurento::hubs {

std::vector<Cell> gridLayout(int count, int width, int height) {
  std::vector<Cell> cells;
  if (count <= 0) {
    return cells;
  }
  int columns = static_cast<int>(std::ceil(std::sqrt(static_cast<double>(count))));
  int rows = (count + columns - 1) / columns;
  const int cellWidth = width / columns;
  const int cellHeight = height / rows;
  for (int i = 0; i < count; ++i) {
    Cell cell;
    cell.x = (i % columns) * cellWidth;
    cell.y = (i / columns) * cellHeight;
    cell.width = cellWidth;
    cell.height = cellHeight;
    cells.push_back(cell);
  }
  return cells;
}

}  // namespace kurento::hubs
