import { CellBoard } from './cell-board';
import { testCells } from './__fixtures__/test-cells';

test('the whole table, one mark per seed, and which cells run where', () => {
  const cells = testCells(4); // rows r0..r3, seeds 1, 2, 3, 1
  const board = new CellBoard('test/table', cells, new Set([cells[0]!.key]));
  board.started(cells[1]!, 'pid:11');
  board.started(cells[2]!, 'pid:12');
  board.finished(cells[2]!);
  board.started(cells[3]!, 'pid:12');
  expect(board.render('pool:2')).toEqual([
    'test/table on pool:2: 4 cell(s), 2 done, 2 running, 0 waiting (# done, > running, · waiting; one mark per seed)',
    '      u',
    '  r0  #',
    '  r1  >',
    '  r2  #',
    '  r3  >',
    '  pid:11: r1 u s2',
    '  pid:12: r3 u s1',
  ]);
});

test('shown at once, again soon after the first cell starts (where cells run), then periodically', async () => {
  const cells = testCells(2);
  const board = new CellBoard('test/table', cells, new Set());
  const printed: string[] = [];
  const write = jest.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => {
    printed.push(String(s));
    return true;
  });
  try {
    const stop = board.show('pool:2', 60_000, 20);
    expect(printed).toHaveLength(1);
    board.started(cells[0]!, 'pid:7');
    board.started(cells[1]!, 'pid:8');
    await new Promise((r) => setTimeout(r, 100));
    stop();
    expect(printed).toHaveLength(2);
    expect(printed[1]).toMatch(/2 running[^]*pid:7: r0 u s1\n  pid:8: r1 u s2\n$/);
  } finally {
    write.mockRestore();
  }
});
