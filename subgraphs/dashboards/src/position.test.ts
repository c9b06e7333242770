import { PositionJson } from './position';

describe('visualization position', () => {
  it('reads a grid position', () => {
    expect(PositionJson.parse({ x: 0, y: 4, width: 6, height: 3 })).toEqual({
      x: 0,
      y: 4,
      width: 6,
      height: 3,
    });
  });

  it.each([
    { y: 0, width: 6, height: 3 },
    { x: -1, y: 0, width: 6, height: 3 },
    { x: 0, y: 0, width: 0, height: 3 },
    { x: 0.5, y: 0, width: 6, height: 3 },
    { x: '0', y: 0, width: 6, height: 3 },
  ])('refuses %j', (position) => {
    expect(() => PositionJson.parse(position)).toThrow();
  });
});
