/** Where the Ask page is, and how a link names the data set to ask about. */

export const ASK_PATH = '/ask';

/** The query parameter that names the data set: `/ask?dataset=<id>`. */
export const DATASET_PARAM = 'dataset';

/** `/ask?dataset=<id>`: the data set page links here for a ready data set. */
export const askPath = (datasetId: string): string =>
  `${ASK_PATH}?${new URLSearchParams({ [DATASET_PARAM]: datasetId }).toString()}`;
