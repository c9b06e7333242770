/**
 * The mutations of an upload, one hook each: `createUpload` (where to send the bytes),
 * `uploadPartUrls` (URLs for more parts of a large file, asked for while sending),
 * `completeUpload` (the platform checks what arrived and queues its processing) and `abortUpload`
 * (cancelled or failed: storage forgets what was sent).
 */
import { gql, type TypedDocumentNode } from '@apollo/client';
import { useMutation } from '@apollo/client/react';
import type {
  DatasetStatus,
  DateTime,
  JobStatus,
  SourceType,
  UploadedPart,
  UploadMethod,
} from '../../schema-types';

type CreateUploadMutation = {
  createUpload: {
    __typename: 'Upload';
    id: string;
    fileName: string;
    sourceType: SourceType;
    sizeBytes: number;
    method: UploadMethod;
    url: string | null;
    parts: Array<{ __typename: 'UploadPart'; partNumber: number; url: string; sizeBytes: number }>;
    partSizeBytes: number | null;
    partCount: number;
    headers: Array<{ __typename: 'HttpHeader'; name: string; value: string }>;
    expiresAt: DateTime;
  };
};
type CreateUploadMutationVariables = {
  fileName: string;
  contentType: string;
  sizeBytes: number;
  sourceType: SourceType;
};

const CREATE_UPLOAD_MUTATION: TypedDocumentNode<
  CreateUploadMutation,
  CreateUploadMutationVariables
> = gql`
  mutation CreateUpload(
    $fileName: String!
    $contentType: String!
    $sizeBytes: Float!
    $sourceType: SourceType!
  ) {
    createUpload(
      fileName: $fileName
      contentType: $contentType
      sizeBytes: $sizeBytes
      sourceType: $sourceType
    ) {
      id
      fileName
      sourceType
      sizeBytes
      method
      url
      parts {
        partNumber
        url
        sizeBytes
      }
      partSizeBytes
      partCount
      headers {
        name
        value
      }
      expiresAt
    }
  }
`;

export type CreatedUpload = CreateUploadMutation['createUpload'];

/** Presigned URLs for one file; nothing is stored until `completeUpload`. */
export function useCreateUpload() {
  return useMutation(CREATE_UPLOAD_MUTATION);
}

type UploadPartUrlsMutation = {
  uploadPartUrls: {
    __typename: 'UploadPartUrls';
    parts: Array<{ __typename: 'UploadPart'; partNumber: number; url: string; sizeBytes: number }>;
    expiresAt: DateTime;
  };
};
type UploadPartUrlsMutationVariables = { uploadId: string; partNumbers: number[] };

const UPLOAD_PART_URLS_MUTATION: TypedDocumentNode<
  UploadPartUrlsMutation,
  UploadPartUrlsMutationVariables
> = gql`
  mutation UploadPartUrls($uploadId: ID!, $partNumbers: [Int!]!) {
    uploadPartUrls(uploadId: $uploadId, partNumbers: $partNumbers) {
      parts {
        partNumber
        url
        sizeBytes
      }
      expiresAt
    }
  }
`;

/** URLs for more parts of a multipart upload; each call also keeps the upload alive. */
export function useUploadPartUrls() {
  return useMutation(UPLOAD_PART_URLS_MUTATION);
}

type CompleteUploadMutation = {
  completeUpload: {
    __typename: 'Job';
    id: string;
    status: JobStatus;
    progress: number;
    errorMessage: string | null;
    dataset: { __typename: 'Dataset'; id: string; name: string; status: DatasetStatus } | null;
  };
};
type CompleteUploadMutationVariables = { uploadId: string; parts?: UploadedPart[] | null };

const COMPLETE_UPLOAD_MUTATION: TypedDocumentNode<
  CompleteUploadMutation,
  CompleteUploadMutationVariables
> = gql`
  mutation CompleteUpload($uploadId: ID!, $parts: [UploadedPart!]) {
    completeUpload(uploadId: $uploadId, parts: $parts) {
      id
      status
      progress
      errorMessage
      dataset {
        id
        name
        status
      }
    }
  }
`;

export type QueuedJob = CompleteUploadMutation['completeUpload'];

/**
 * The platform checks the file (size, first bytes) and answers with the queued job, or refuses
 * with BAD_USER_INPUT and a message for the user (a PNG named .csv, a truncated file).
 */
export function useCompleteUpload() {
  return useMutation(COMPLETE_UPLOAD_MUTATION);
}

type AbortUploadMutation = { abortUpload: boolean };
type AbortUploadMutationVariables = { uploadId: string };

const ABORT_UPLOAD_MUTATION: TypedDocumentNode<AbortUploadMutation, AbortUploadMutationVariables> =
  gql`
    mutation AbortUpload($uploadId: ID!) {
      abortUpload(uploadId: $uploadId)
    }
  `;

export function useAbortUpload() {
  return useMutation(ABORT_UPLOAD_MUTATION);
}
