export * from './domain';
export * from './registry-context';
export * from './upload.service';
export * from './blob.service';
export * from './manifest.service';
export * from './tag.service';
export { UploadHashCache } from './upload-hash-cache';
