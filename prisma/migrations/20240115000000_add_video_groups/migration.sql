-- AlterTable
ALTER TABLE "video_files" ADD COLUMN     "group_id" TEXT;

-- CreateTable
CREATE TABLE "video_groups" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "order_num" INTEGER NOT NULL,
    "project_id" TEXT NOT NULL,
    "created_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "video_groups_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "video_groups_project_id_idx" ON "video_groups"("project_id");

-- CreateIndex
CREATE INDEX "video_groups_order_idx" ON "video_groups"("project_id", "order_num");

-- CreateIndex
CREATE INDEX "video_files_group_id_idx" ON "video_files"("group_id");

-- AddForeignKey
ALTER TABLE "video_groups" ADD CONSTRAINT "video_groups_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "video_files" ADD CONSTRAINT "video_files_group_id_fkey" FOREIGN KEY ("group_id") REFERENCES "video_groups"("id") ON DELETE SET NULL ON UPDATE CASCADE;

