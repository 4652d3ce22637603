/**
 * Prefectures (JIS X 0401 codes) and their neighbours, and the population bands of an issue profile:
 * the filters of /peers. 「近隣」 means sharing a land border; 北海道 and 沖縄, which share none, count
 * 青森 and 鹿児島 as neighbours so that the filter never leaves them alone.
 */
export const prefectures: readonly { code: number; name: string; neighbours: readonly number[] }[] = [
  { code: 1, name: '北海道', neighbours: [2] },
  { code: 2, name: '青森県', neighbours: [1, 3, 5] },
  { code: 3, name: '岩手県', neighbours: [2, 4, 5] },
  { code: 4, name: '宮城県', neighbours: [3, 5, 6, 7] },
  { code: 5, name: '秋田県', neighbours: [2, 3, 4, 6] },
  { code: 6, name: '山形県', neighbours: [4, 5, 7, 15] },
  { code: 7, name: '福島県', neighbours: [4, 6, 8, 9, 10, 15] },
  { code: 8, name: '茨城県', neighbours: [7, 9, 11, 12] },
  { code: 9, name: '栃木県', neighbours: [7, 8, 10, 11] },
  { code: 10, name: '群馬県', neighbours: [7, 9, 11, 15, 20] },
  { code: 11, name: '埼玉県', neighbours: [8, 9, 10, 12, 13, 19, 20] },
  { code: 12, name: '千葉県', neighbours: [8, 11, 13] },
  { code: 13, name: '東京都', neighbours: [11, 12, 14, 19] },
  { code: 14, name: '神奈川県', neighbours: [13, 19, 22] },
  { code: 15, name: '新潟県', neighbours: [6, 7, 10, 16, 20] },
  { code: 16, name: '富山県', neighbours: [15, 17, 20, 21] },
  { code: 17, name: '石川県', neighbours: [16, 18, 21] },
  { code: 18, name: '福井県', neighbours: [17, 21, 25, 26] },
  { code: 19, name: '山梨県', neighbours: [11, 13, 14, 20, 22] },
  { code: 20, name: '長野県', neighbours: [10, 11, 15, 16, 19, 21, 22, 23] },
  { code: 21, name: '岐阜県', neighbours: [16, 17, 18, 20, 23, 24, 25] },
  { code: 22, name: '静岡県', neighbours: [14, 19, 20, 23] },
  { code: 23, name: '愛知県', neighbours: [20, 21, 22, 24] },
  { code: 24, name: '三重県', neighbours: [21, 23, 25, 26, 29, 30] },
  { code: 25, name: '滋賀県', neighbours: [18, 21, 24, 26] },
  { code: 26, name: '京都府', neighbours: [18, 24, 25, 27, 28, 29] },
  { code: 27, name: '大阪府', neighbours: [26, 28, 29, 30] },
  { code: 28, name: '兵庫県', neighbours: [26, 27, 31, 33] },
  { code: 29, name: '奈良県', neighbours: [24, 26, 27, 30] },
  { code: 30, name: '和歌山県', neighbours: [24, 27, 29] },
  { code: 31, name: '鳥取県', neighbours: [28, 32, 33, 34] },
  { code: 32, name: '島根県', neighbours: [31, 34, 35] },
  { code: 33, name: '岡山県', neighbours: [28, 31, 34] },
  { code: 34, name: '広島県', neighbours: [31, 32, 33, 35] },
  { code: 35, name: '山口県', neighbours: [32, 34] },
  { code: 36, name: '徳島県', neighbours: [37, 38, 39] },
  { code: 37, name: '香川県', neighbours: [36, 38] },
  { code: 38, name: '愛媛県', neighbours: [36, 37, 39] },
  { code: 39, name: '高知県', neighbours: [36, 38] },
  { code: 40, name: '福岡県', neighbours: [41, 43, 44] },
  { code: 41, name: '佐賀県', neighbours: [40, 42] },
  { code: 42, name: '長崎県', neighbours: [41] },
  { code: 43, name: '熊本県', neighbours: [40, 44, 45, 46] },
  { code: 44, name: '大分県', neighbours: [40, 43, 45] },
  { code: 45, name: '宮崎県', neighbours: [43, 44, 46] },
  { code: 46, name: '鹿児島県', neighbours: [43, 45, 47] },
  { code: 47, name: '沖縄県', neighbours: [46] },
];

export function prefectureName(code: number | null): string {
  return prefectures.find((p) => p.code === code)?.name ?? '';
}

/** The prefecture itself and, when asked, its neighbours. */
export function prefectureArea(code: number, withNeighbours: boolean): Set<number> {
  const prefecture = prefectures.find((p) => p.code === code);
  return new Set([code, ...(withNeighbours && prefecture ? prefecture.neighbours : [])]);
}

/** Population bands (人口規模), coarse enough that a band never names a municipality by itself. */
export const populationBands = ['under_10k', '10k_50k', '50k_100k', '100k_300k', '300k_1m', 'over_1m'] as const;
export type PopulationBand = (typeof populationBands)[number];
export const populationBandLabels: Record<PopulationBand, string> = {
  under_10k: '1万人未満',
  '10k_50k': '1万人以上5万人未満',
  '50k_100k': '5万人以上10万人未満',
  '100k_300k': '10万人以上30万人未満',
  '300k_1m': '30万人以上100万人未満',
  over_1m: '100万人以上',
};

/** Where the organisation stands on an issue (spec: 【地域課題入力】, extended with a status). */
export const issueStatuses = ['considering', 'working', 'done'] as const;
export type IssueStatus = (typeof issueStatuses)[number];
export const issueStatusLabels: Record<IssueStatus, string> = { considering: '検討中', working: '取組中', done: '実施済' };
