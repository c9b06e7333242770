/**
 * Keeps every cached list of data sets current while a page that shows them is open: the
 * `datasetEvents` subscription (the signed-in user's data sets, fed from Kafka by the gateway).
 * Each event carries the data set as it is now, with the fields a row shows: Apollo writes it to
 * the normalized `Dataset`, so a status change (PROCESSING, READY, FAILED) shows everywhere;
 * `applyDatasetEvent` then adds a created data set to the lists and removes a deleted one.
 *
 * Events are not replayed: what happened while no page listened is fetched with the list itself.
 */
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useSubscription } from '@apollo/client/react';
import type { DatasetEventKind, DatasetStatus, DateTime } from '../../schema-types';
import { DATASET_ROW_FRAGMENT, type DatasetRowDataset } from './DatasetRow';
import { applyDatasetEvent } from './dataset-events-cache';

export type DatasetEventsSubscription = {
  datasetEvents: {
    __typename: 'DatasetEvent';
    kind: DatasetEventKind;
    datasetId: string;
    status: DatasetStatus | null;
    jobId: string | null;
    message: string | null;
    occurredAt: DateTime;
    dataset:
      | ({
          __typename: 'Dataset';
          id: string;
          status: DatasetStatus;
          errorMessage: string | null;
          updatedAt: DateTime;
          owner: { __typename: 'User'; id: string };
        } & { ' $fragmentRefs'?: { DatasetRow_dataset: DatasetRowDataset } })
      | null;
  };
};

export const DATASET_EVENTS_SUBSCRIPTION: TypedDocumentNode<
  DatasetEventsSubscription,
  Record<string, never>
> = gql`
  subscription DatasetEvents {
    datasetEvents {
      kind
      datasetId
      status
      jobId
      message
      occurredAt
      dataset {
        id
        status
        errorMessage
        updatedAt
        owner {
          id
        }
        ...DatasetRow_dataset
      }
    }
  }
  ${DATASET_ROW_FRAGMENT}
`;

/** Subscribes while the calling page is on screen; the error (if the feed broke) for a notice. */
export function useLiveDatasets() {
  return useSubscription(DATASET_EVENTS_SUBSCRIPTION, {
    onData: ({ client, data }) => {
      const event = data.data?.datasetEvents;
      if (event) applyDatasetEvent(client.cache, event);
    },
  });
}
